//! The scheduled sweep (`[triggers] crons` in wrangler.toml): handoffs nobody followed up
//! become `abandoned`. `new` ones after `ABANDON_NEW_AFTER_HOURS` (default 24) without a click;
//! `redirected` ones after `ABANDON_REDIRECTED_AFTER_DAYS` (default 7) without a completion,
//! but only for clients whose webhook is enabled — without a webhook we cannot know that a
//! redirected visitor did not book. Abandonment is an inference: a later click or a verified
//! completion still moves the handoff on (see core's status rules).
use worker::Env;

use handoff_core::privacy::retention_cutoff;

use crate::repo::Repo;

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

fn var_or(env: &Env, name: &str, default: i64) -> i64 {
    env.var(name)
        .ok()
        .and_then(|v| v.to_string().trim().parse::<i64>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(default)
}

/// One scheduled run: the every-minute cron delivers lead forwarding's due deliveries; the
/// quarter-hour one (or any other) runs the abandonment and retention sweeps. Kept apart so
/// the two crons firing together never send one delivery twice.
pub async fn run(env: &Env, cron: &str, now: i64) {
    if cron == EVERY_MINUTE {
        let edge = crate::app::configured_origin(env);
        let delivered = crate::forwarding::deliver_due(env, None, now, edge.as_ref()).await;
        if delivered > 0 {
            worker::console_log!("lead forwarding: {} deliveries acknowledged", delivered);
        }
    } else {
        sweep(env, now).await;
    }
}

/// The cron that only delivers (wrangler.toml `[triggers] crons`).
const EVERY_MINUTE: &str = "* * * * *";
/// Handoffs erased per client per run: bounded, the next run takes the rest.
const RETENTION_BATCH: usize = 500;

/// Runs one sweep over every client; returns how many handoffs were abandoned.
pub async fn sweep(env: &Env, now: i64) -> usize {
    let repo = match Repo::new(env) {
        Ok(repo) => repo,
        Err(e) => {
            e.log();
            return 0;
        }
    };
    let new_before = now - var_or(env, "ABANDON_NEW_AFTER_HOURS", 24) * HOUR_MS;
    let redirected_before = now - var_or(env, "ABANDON_REDIRECTED_AFTER_DAYS", 7) * DAY_MS;
    let clients = match repo.clients_for_sweep().await {
        Ok(clients) => clients,
        Err(e) => {
            e.log();
            return 0;
        }
    };
    let (mut total, mut erased) = (0, 0);
    for client in clients {
        match repo
            .abandon_stale(
                &client.id,
                new_before,
                client.webhook_enabled.then_some(redirected_before),
                now,
            )
            .await
        {
            Ok(n) => total += n,
            // One client's failure must not stop the others.
            Err(e) => e.log(),
        }
        let cutoff = retention_cutoff(now, client.retention_days);
        let erase = match crate::random::log_id() {
            Ok(log_id) => {
                repo.erase_expired(&client.id, cutoff, RETENTION_BATCH, &log_id, now)
                    .await
            }
            Err(e) => Err(e),
        };
        match erase {
            Ok(n) => erased += n,
            Err(e) => e.log(),
        }
    }
    worker::console_log!(
        "sweep: {} handoffs abandoned, {} past retention erased",
        total,
        erased
    );
    total
}
