//! The scheduled sweep (`[triggers] crons` in wrangler.toml): handoffs nobody followed up
//! become `abandoned`. `new` ones after `ABANDON_NEW_AFTER_HOURS` (default 24) without a click;
//! `redirected` ones after `ABANDON_REDIRECTED_AFTER_DAYS` (default 7) without a completion,
//! but only for clients whose webhook is enabled — without a webhook we cannot know that a
//! redirected visitor did not book. Abandonment is an inference: a later click or a verified
//! completion still moves the handoff on (see core's status rules).
use worker::Env;

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
    let mut total = 0;
    for (client, webhook_enabled) in clients {
        match repo
            .abandon_stale(
                &client,
                new_before,
                webhook_enabled.then_some(redirected_before),
                now,
            )
            .await
        {
            Ok(n) => total += n,
            // One client's failure must not stop the others.
            Err(e) => e.log(),
        }
    }
    worker::console_log!("abandonment sweep: {} handoffs abandoned", total);
    total
}
