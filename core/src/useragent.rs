//! Recognising link-preview bots and crawlers, so fetching a shared redirect link never
//! counts as a visitor's click.

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

#[cfg(test)]
mod tests {
    use super::*;

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
