//! `pilito-box tls show` and `tls renew`: the certificate authority's fingerprint, the served
//! certificate's names and expiry, and a new certificate on demand. Work from the files of the
//! data folder, beside a running server (which serves a renewed certificate within
//! `tls.check_secs`).

use clap::Subcommand;

use crate::config::Config;
use crate::tls;

/// `pilito-box tls …`.
#[derive(Debug, Subcommand)]
pub enum TlsCommand {
    /// Print the certificate authority's fingerprint and the certificate's names and expiry.
    Show,
    /// Issue a new server certificate now, for the machine's names as they are.
    Renew,
}

/// Runs a `tls` command.
pub fn run(config: &Config, command: &TlsCommand) -> anyhow::Result<()> {
    match command {
        TlsCommand::Show => {
            let report = tls::report(config)?;
            print!("{}", show(&report, config));
        }
        TlsCommand::Renew => {
            let cert = tls::renew(config)?;
            println!(
                "issued a new certificate for {}, valid until {}",
                cert.names().join(", "),
                cert.not_after.format("%Y-%m-%d %H:%M UTC")
            );
            println!(
                "a running server serves it within {} s",
                config.tls.check_interval().as_secs()
            );
        }
    }
    Ok(())
}

fn show(report: &tls::Report, config: &Config) -> String {
    let mut lines = vec![format!(
        "tls.mode:       {}",
        format!("{:?}", config.tls.mode).to_lowercase()
    )];
    match &report.authority {
        Some((file, fingerprint)) => {
            lines.push(format!("authority:      {}", file.display()));
            lines.push(format!("fingerprint:    SHA-256 {fingerprint}"));
        }
        None => lines.push("authority:      none (tls.cert_file is served)".to_owned()),
    }
    lines.push(format!("certificate:    {}", report.cert_file.display()));
    lines.push(format!(
        "names:          {}",
        report.cert.names().join(", ")
    ));
    lines.push(format!(
        "valid until:    {}",
        report.cert.not_after.format("%Y-%m-%d %H:%M UTC")
    ));
    if let Some(renew_on) = report.renew_on {
        lines.push(format!(
            "renewed from:   {}",
            renew_on.format("%Y-%m-%d %H:%M UTC")
        ));
    }
    lines.push(format!("serial:         {}", report.cert.serial));
    lines.join("\n") + "\n"
}
