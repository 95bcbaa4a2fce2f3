//! The text folding search applies to what it indexes and to what it is asked for, so that
//! spellings a reader takes for the same word match: Arabic and Persian letter forms, invisible
//! joiners and direction marks, harakat, tatweel, Persian and Arabic-Indic digits, and case.

/// Folds `text` for matching: the same function runs over indexed text and over search terms.
///
/// - Arabic letter forms become the Persian ones: ي and ى → ی, ك → ک, ة and ۀ → ه.
/// - A letter carrying hamza or madda becomes its base letter (أ إ آ ٱ → ا, ؤ → و, ئ → ی),
///   exactly as removing the combining mark does to the same letter written decomposed.
/// - Harakat and other Arabic combining marks (U+0610–U+061A, U+064B–U+065F, U+0670,
///   U+06D6–U+06ED) and tatweel (U+0640) are removed.
/// - ZWNJ, ZWJ and the other invisible formatting characters (zero-width space, word joiner,
///   BOM, soft hyphen, direction marks and embeddings) are removed, so «می‌خواهم» and
///   «میخواهم» match; a typed space stays a space.
/// - Persian (۰–۹) and Arabic-Indic (٠–٩) digits become ASCII digits.
/// - Everything is lower-cased (Unicode, not only ASCII).
#[must_use]
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match fold(c) {
            Fold::Keep => out.extend(c.to_lowercase()),
            Fold::To(to) => out.push(to),
            Fold::Drop => {}
        }
    }
    out
}

/// What one character becomes.
enum Fold {
    Keep,
    To(char),
    Drop,
}

fn fold(c: char) -> Fold {
    match c {
        '\u{064A}' | '\u{0649}' | '\u{0626}' => Fold::To('\u{06CC}'),
        '\u{0643}' => Fold::To('\u{06A9}'),
        '\u{0629}' | '\u{06C0}' => Fold::To('\u{0647}'),
        '\u{0622}' | '\u{0623}' | '\u{0625}' | '\u{0671}' => Fold::To('\u{0627}'),
        '\u{0624}' => Fold::To('\u{0648}'),
        '\u{06F0}'..='\u{06F9}' => Fold::To(digit(c, '\u{06F0}')),
        '\u{0660}'..='\u{0669}' => Fold::To(digit(c, '\u{0660}')),
        '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{06D6}'..='\u{06ED}'
        | '\u{0640}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{061C}'
        | '\u{00AD}'
        | '\u{FEFF}' => Fold::Drop,
        _ => Fold::Keep,
    }
}

/// The ASCII digit of `c`, whose script's zero is `zero`.
fn digit(c: char, zero: char) -> char {
    let n = u32::from(c) - u32::from(zero);
    char::from_digit(n, 10).unwrap_or(c)
}

/// Characters in `text`, which is what the trigram index counts.
#[must_use]
pub fn chars(text: &str) -> usize {
    text.chars().count()
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn arabic_letter_forms_become_persian() {
        assert_eq!(normalize("علي"), "علی");
        assert_eq!(normalize("كتاب"), "کتاب");
        assert_eq!(normalize("مصطفى"), "مصطفی");
        assert_eq!(normalize("مدرسة"), "مدرسه");
        assert_eq!(normalize("خانۀ"), "خانه");
        assert_eq!(normalize("يك"), normalize("یک"));
    }

    #[test]
    fn hamza_and_madda_fold_like_their_decomposed_spelling() {
        assert_eq!(normalize("آمریکا"), "امریکا");
        assert_eq!(normalize("أحمد"), "احمد");
        assert_eq!(normalize("إسلام"), "اسلام");
        assert_eq!(normalize("مؤمن"), "مومن");
        assert_eq!(normalize("مسئله"), "مسیله");
        assert_eq!(normalize("\u{0627}\u{0653}ب"), normalize("آب"));
        assert_eq!(normalize("\u{0627}\u{0654}حمد"), normalize("أحمد"));
    }

    #[test]
    fn joiners_and_direction_marks_are_removed() {
        assert_eq!(normalize("می\u{200C}خواهم"), "میخواهم");
        assert_eq!(normalize("a\u{200D}b\u{200B}c\u{FEFF}d\u{00AD}e"), "abcde");
        assert_eq!(normalize("\u{200F}سلام\u{200E}\u{2067}x\u{2069}"), "سلامx");
        assert_eq!(normalize("می خواهم"), "می خواهم", "a typed space stays");
    }

    #[test]
    fn harakat_superscript_alef_and_tatweel_are_removed() {
        assert_eq!(normalize("مُحَمَّد"), "محمد");
        assert_eq!(normalize("كِتَابٌ"), "کتاب");
        assert_eq!(normalize("هٰذا"), "هذا");
        assert_eq!(normalize("ســـلام"), "سلام");
    }

    #[test]
    fn persian_and_arabic_indic_digits_become_ascii() {
        assert_eq!(normalize("۰۱۲۳۴۵۶۷۸۹"), "0123456789");
        assert_eq!(normalize("٠١٢٣٤٥٦٧٨٩"), "0123456789");
        assert_eq!(normalize("سفارش ۱۲۳"), normalize("سفارش 123"));
    }

    #[test]
    fn case_is_folded_beyond_ascii() {
        assert_eq!(normalize("Refund ÉTÉ ΣΟΦΙΑ"), "refund été σοφια");
        assert_eq!(normalize("İ").chars().next(), Some('i'));
    }

    #[test]
    fn other_text_is_kept_as_it_is() {
        assert_eq!(normalize("50%_off [x] \"q\" 🙂"), "50%_off [x] \"q\" 🙂");
        assert_eq!(normalize(""), "");
        assert_eq!(
            normalize("\u{064E}\u{0640}"),
            "",
            "marks alone fold to nothing"
        );
    }

    #[test]
    fn folding_twice_changes_nothing() {
        for text in ["كِتَابٌ ۱۲", "می\u{200C}خواهم ALI", "آمریکا İstanbul"]
        {
            let once = normalize(text);
            assert_eq!(normalize(&once), once);
        }
    }
}
