//! `pilito-box bench --self-test`: the capacity check a shop owner runs on the PC that will
//! host pilito-box. It serves a growing number of simulated agents on the whole machine (server
//! and load generator share it, as they would share it with the agents' browsers), each agent
//! with its conversation list open and one chat open, every chat getting a message each second,
//! and answers in one sentence how many agents the PC serves with p99 delivery under 50 ms.

use super::fanout::{self, FanoutArgs};
use super::rig::RigArgs;

/// Agents per step; the check stops at the first step that misses.
const STEPS: &[usize] = &[25, 50, 100, 200, 400, 800, 1_600, 3_200];

/// The promise: a chat message reaches everyone in its conversation within this, for 99 in 100.
const P99_LIMIT_MS: f64 = 50.0;

/// Seconds of chatting per step.
const SECS: f64 = 3.0;

/// How one step went.
struct Step {
    agents: usize,
    p99_ms: f64,
    faults: f64,
}

impl Step {
    fn passed(&self) -> bool {
        self.p99_ms <= P99_LIMIT_MS && self.faults == 0.0
    }
}

/// Runs the steps and prints the answer.
pub fn run() -> anyhow::Result<()> {
    println!(
        "Checking how many agents this computer can serve. Each simulated agent has the conversation list and one chat open; every chat gets a message each second. This takes about a minute."
    );
    let mut best: Option<Step> = None;
    let mut missed: Option<Step> = None;
    for &agents in STEPS {
        let step = measure(agents)?;
        println!(
            "  {:>5} agents: 99% of messages delivered within {:.1} ms{}",
            step.agents,
            step.p99_ms,
            if step.faults > 0.0 {
                ", but some were lost or doubled"
            } else {
                ""
            }
        );
        if !step.passed() {
            missed = Some(step);
            break;
        }
        best = Some(step);
    }
    println!();
    println!("{}", answer(best.as_ref(), missed.as_ref()));
    Ok(())
}

fn measure(agents: usize) -> anyhow::Result<Step> {
    let args = FanoutArgs {
        rooms: agents / 2,
        per_room: 2,
        senders_per_room: None,
        rates: vec![u32::try_from(agents / 2)?],
        secs: SECS,
        runs: 1,
        strict: false,
        lists: agents,
        rig: RigArgs {
            server_core: 0,
            client_core: 0,
            no_pin: true,
            ceiling: false,
        },
    };
    let rows = super::rig::block_on(&args.rig, fanout::ladder(&args))??;
    let row = rows.first().ok_or_else(|| anyhow::anyhow!("no result"))?;
    Ok(Step {
        agents,
        p99_ms: row[5],
        faults: row[7] + row[8] + row[9],
    })
}

fn answer(best: Option<&Step>, missed: Option<&Step>) -> String {
    match (best, missed) {
        (Some(best), None) => format!(
            "This PC serves at least {} agents with p99 fan-out under {P99_LIMIT_MS:.0} ms ({:.1} ms measured); that was the largest step tried.",
            best.agents, best.p99_ms
        ),
        (Some(best), Some(missed)) => format!(
            "This PC serves {} agents with p99 fan-out under {P99_LIMIT_MS:.0} ms ({:.1} ms measured). At {} agents it was {:.1} ms{}.",
            best.agents,
            best.p99_ms,
            missed.agents,
            missed.p99_ms,
            if missed.faults > 0.0 {
                " and messages were lost"
            } else {
                ""
            }
        ),
        (None, _) => format!(
            "This PC could not serve even {} agents with p99 fan-out under {P99_LIMIT_MS:.0} ms. Close other programs and run the check again, or use a faster PC.",
            STEPS[0]
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(agents: usize, p99_ms: f64, faults: f64) -> Step {
        Step {
            agents,
            p99_ms,
            faults,
        }
    }

    #[test]
    fn the_answer_names_the_last_step_that_kept_the_promise() {
        let said = answer(Some(&step(800, 12.0, 0.0)), Some(&step(1600, 71.5, 0.0)));
        assert!(said.starts_with("This PC serves 800 agents"), "{said}");
        assert!(said.contains("At 1600 agents it was 71.5 ms."), "{said}");
        assert!(!step(100, 3.0, 1.0).passed());
        assert!(answer(None, Some(&step(25, 90.0, 0.0))).contains("could not serve even 25"));
        assert!(answer(Some(&step(3200, 40.0, 0.0)), None).contains("at least 3200"));
    }
}
