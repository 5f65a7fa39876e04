//! Which requests for a tracking link are a visitor's click: link-preview bots, crawlers,
//! browser prefetches and script fetches are not, so only real navigations are counted.

/// Lowercase substrings of user agents that fetch links without a person behind them.
/// Kept to agents that identify themselves clearly; in-app browsers (Facebook, Instagram,
/// Pinterest's app) carry people and must still count.
const BOT_MARKERS: &[&str] = &[
    "slackbot",
    "slack-imgproxy",
    "facebookexternalhit",
    "facebot",
    "twitterbot",
    "whatsapp",
    "discordbot",
    "linkedinbot",
    "telegrambot",
    "skypeuripreview",
    "applebot",
    "googlebot",
    "google-pagerenderer",
    "bingbot",
    "embedly",
    "pinterestbot",
    "pinterest/0.",
    "redditbot",
    "iframely",
    "outlook",
    "microsoft preview",
    "duckduckbot",
    "yandexbot",
    "baiduspider",
];

pub fn is_link_preview_bot(ua: &str) -> bool {
    let ua = ua.to_ascii_lowercase();
    BOT_MARKERS.iter().any(|marker| ua.contains(marker))
}

/// The request headers that tell a real navigation from everything else.
#[derive(Clone, Copy, Debug, Default)]
pub struct ClickRequest<'a> {
    pub head: bool,
    pub user_agent: Option<&'a str>,
    /// `Sec-Purpose` (standard: `prefetch`, `prefetch;prerender`).
    pub sec_purpose: Option<&'a str>,
    /// `Purpose` (Chrome's legacy `<link rel=prefetch>` header).
    pub purpose: Option<&'a str>,
    /// `X-Moz` (Firefox's legacy prefetch header).
    pub x_moz: Option<&'a str>,
    /// `X-Purpose` (Safari's `preview`).
    pub x_purpose: Option<&'a str>,
    /// `Sec-Fetch-Mode`.
    pub sec_fetch_mode: Option<&'a str>,
    /// `Sec-Fetch-Dest`.
    pub sec_fetch_dest: Option<&'a str>,
}

/// What a request for `/r/ID` gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClickKind {
    /// A visitor navigating: counted, and sent on.
    Counted,
    /// Sent on, not counted: HEAD, link-preview bots, script fetches.
    Uncounted,
    /// A speculative load (prefetch, prerender, preview): refused with a 503 that no cache
    /// keeps, so the browser discards it and the visitor's real click reaches us (and counts)
    /// instead of being answered from the prefetch.
    DeclinedPrefetch,
}

fn mentions(value: Option<&str>, word: &str) -> bool {
    value.is_some_and(|v| v.to_ascii_lowercase().contains(word))
}

/// Only real navigations count. A browser that sends Fetch Metadata sends `Sec-Fetch-Mode`
/// and `Sec-Fetch-Dest` together, and a navigation says `navigate` (a top-level click or the
/// iframe embed); a script's `fetch()` or an image load says otherwise and is not counted.
/// Older browsers and plain HTTP clients send no Fetch Metadata (Node's `fetch` sends a
/// fixed `Sec-Fetch-Mode: cors` with no destination, which is not a browser's metadata):
/// they are counted unless they name themselves as bots.
pub fn classify_click(r: &ClickRequest) -> ClickKind {
    if mentions(r.sec_purpose, "prefetch")
        || mentions(r.sec_purpose, "prerender")
        || mentions(r.purpose, "prefetch")
        || mentions(r.x_moz, "prefetch")
        || mentions(r.x_purpose, "preview")
    {
        return ClickKind::DeclinedPrefetch;
    }
    let scripted = r.sec_fetch_dest.is_some()
        && r.sec_fetch_mode
            .is_some_and(|m| !m.trim().eq_ignore_ascii_case("navigate"));
    if r.head || scripted || r.user_agent.is_some_and(is_link_preview_bot) {
        return ClickKind::Uncounted;
    }
    ClickKind::Counted
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHROME: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36";

    #[test]
    fn only_real_navigations_count() {
        let browser = ClickRequest {
            user_agent: Some(CHROME),
            ..ClickRequest::default()
        };
        let cases: &[(&str, ClickRequest, ClickKind)] = &[
            (
                "a click with Fetch Metadata",
                ClickRequest {
                    sec_fetch_mode: Some("navigate"),
                    sec_fetch_dest: Some("document"),
                    ..browser
                },
                ClickKind::Counted,
            ),
            (
                "the iframe embed (navigate, no user activation)",
                ClickRequest {
                    sec_fetch_mode: Some("Navigate "),
                    sec_fetch_dest: Some("iframe"),
                    ..browser
                },
                ClickKind::Counted,
            ),
            (
                "an old browser without Fetch Metadata",
                browser,
                ClickKind::Counted,
            ),
            (
                "no user agent at all",
                ClickRequest::default(),
                ClickKind::Counted,
            ),
            (
                "speculation-rules prefetch",
                ClickRequest {
                    sec_purpose: Some("prefetch"),
                    sec_fetch_mode: Some("navigate"),
                    ..browser
                },
                ClickKind::DeclinedPrefetch,
            ),
            (
                "prerender",
                ClickRequest {
                    sec_purpose: Some("prefetch;prerender"),
                    sec_fetch_mode: Some("navigate"),
                    ..browser
                },
                ClickKind::DeclinedPrefetch,
            ),
            (
                "Chrome's legacy link prefetch",
                ClickRequest {
                    purpose: Some("prefetch"),
                    sec_fetch_mode: Some("no-cors"),
                    ..browser
                },
                ClickKind::DeclinedPrefetch,
            ),
            (
                "Firefox's legacy prefetch",
                ClickRequest {
                    x_moz: Some("prefetch"),
                    ..browser
                },
                ClickKind::DeclinedPrefetch,
            ),
            (
                "Safari's preview",
                ClickRequest {
                    x_purpose: Some("preview"),
                    ..browser
                },
                ClickKind::DeclinedPrefetch,
            ),
            (
                "a script's fetch()",
                ClickRequest {
                    sec_fetch_mode: Some("cors"),
                    sec_fetch_dest: Some("empty"),
                    ..browser
                },
                ClickKind::Uncounted,
            ),
            (
                "an image load",
                ClickRequest {
                    sec_fetch_mode: Some("no-cors"),
                    sec_fetch_dest: Some("image"),
                    ..browser
                },
                ClickKind::Uncounted,
            ),
            (
                "Node's fetch: a fixed mode, no destination",
                ClickRequest {
                    sec_fetch_mode: Some("cors"),
                    user_agent: Some("node"),
                    ..ClickRequest::default()
                },
                ClickKind::Counted,
            ),
            (
                "HEAD",
                ClickRequest {
                    head: true,
                    ..browser
                },
                ClickKind::Uncounted,
            ),
            (
                "a link unfurler",
                ClickRequest {
                    user_agent: Some("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"),
                    ..ClickRequest::default()
                },
                ClickKind::Uncounted,
            ),
            (
                "an unfurler claiming navigate",
                ClickRequest {
                    user_agent: Some("WhatsApp/2.23.20.0 A"),
                    sec_fetch_mode: Some("navigate"),
                    ..ClickRequest::default()
                },
                ClickKind::Uncounted,
            ),
        ];
        for (name, request, kind) in cases {
            assert_eq!(classify_click(request), *kind, "{name}");
        }
    }

    #[test]
    fn recognises_link_preview_bots() {
        let cases: &[&str] = &[
            "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
            "Slack-ImgProxy (+https://api.slack.com/robots)",
            "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
            "facebookexternalhit/1.1 Facebot Twitterbot/1.0",
            "Twitterbot/1.0",
            "WhatsApp/2.23.20.0 A",
            "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
            "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
            "TelegramBot (like TwitterBot)",
            "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (compatible; Google-PageRenderer Google (+https://developers.google.com/+/web/snippet/))",
            "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
            "Mozilla/5.0 (compatible; Embedly/0.2; +http://support.embed.ly/)",
            "Pinterest/0.2 (+https://www.pinterest.com/bot.html)",
            "Mozilla/5.0 (compatible; Pinterestbot/1.0; +http://www.pinterest.com/bot.html)",
            "Mozilla/5.0 (compatible; redditbot/1.0; +http://www.reddit.com/feedback)",
            "Iframely/1.3.1 (+https://iframely.com/docs/about)",
            "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.12026; Pro)",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Microsoft Preview",
            "DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)",
            "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
            "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
        ];
        for ua in cases {
            assert!(is_link_preview_bot(ua), "{ua}");
        }
    }

    #[test]
    fn lets_people_in_browsers_and_in_app_browsers_through() {
        let cases: &[&str] = &[
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
            "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/470.0.0.38.108;FBBV/600000000]",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 330.0.0.0",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [Pinterest/iOS]",
            "",
        ];
        for ua in cases {
            assert!(!is_link_preview_bot(ua), "{ua}");
        }
    }
}
