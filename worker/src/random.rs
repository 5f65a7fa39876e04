//! Randomness from the runtime's CSPRNG (crypto.getRandomValues).
use crate::error::{AppError, AppResult};

fn fill<const N: usize>() -> AppResult<[u8; N]> {
    let mut buf = [0u8; N];
    getrandom::getrandom(&mut buf)
        .map_err(|e| AppError::Internal(format!("no randomness: {e}")))?;
    Ok(buf)
}

pub fn bytes16() -> AppResult<[u8; 16]> {
    fill::<16>()
}

pub fn bytes32() -> AppResult<[u8; 32]> {
    fill::<32>()
}

/// An id for a log row (erasures): 128 random bits, base64url.
pub fn log_id() -> AppResult<String> {
    Ok(handoff_core::id::base64url_encode(&bytes16()?))
}
