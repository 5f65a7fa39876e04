//! Where a lead came from: the visitor's first touch of the session as the loader (or the
//! hosted page) saw it — the landing page, the referrer, the UTM parameters and the ad click
//! ids — bounded and cleaned before it is stored with the handoff.
//!
//! Only these keys exist. The landing page keeps its path (never its query: a host page's
//! other parameters can carry anything), the referrer its origin and path; every value is
//! control- and bidi-stripped and cut to its limit. Nothing else about the visit is kept.
use crate::text::{strip_controls, truncate_chars};

/// One attribution key: its JSON name, the landing-URL query parameter it comes from (none
/// for the page and the referrer) and its limit in characters.
pub struct Key {
    pub name: &'static str,
    pub param: Option<&'static str>,
    pub max: usize,
}

const fn key(name: &'static str, param: &'static str) -> Key {
    Key {
        name,
        param: Some(param),
        max: 200,
    }
}

/// Every key, in the order the API, the CSV and the detail page show them.
pub const KEYS: [Key; 14] = [
    Key {
        name: "landingPage",
        param: None,
        max: 500,
    },
    Key {
        name: "referrer",
        param: None,
        max: 500,
    },
    key("utmSource", "utm_source"),
    key("utmMedium", "utm_medium"),
    key("utmCampaign", "utm_campaign"),
    key("utmTerm", "utm_term"),
    key("utmContent", "utm_content"),
    key("gclid", "gclid"),
    key("gbraid", "gbraid"),
    key("wbraid", "wbraid"),
    key("fbclid", "fbclid"),
    key("msclkid", "msclkid"),
    key("ttclid", "ttclid"),
    key("liFatId", "li_fat_id"),
];

pub const UNKNOWN_KEY: &str = "Unknown attribution field.";

/// A lead's first touch: known keys only, each at most once, cleaned, none empty.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attribution(Vec<(&'static str, String)>);

/// A URL cut to what may be kept: `scheme://host[:port]/path` (`with_origin`) or `/path`,
/// never its query or fragment. `None` for anything that is not an absolute http(s) URL.
fn url_part(raw: &str, with_origin: bool) -> Option<String> {
    let (scheme, rest) = raw.split_once("://")?;
    if !matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") {
        return None;
    }
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    // No credentials, and a host to speak of.
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    Some(if with_origin {
        format!(
            "{}://{}{}",
            scheme.to_ascii_lowercase(),
            authority.to_ascii_lowercase(),
            path
        )
    } else {
        path.to_string()
    })
}

fn clean(key: &Key, raw: &str) -> Option<String> {
    let text = strip_controls(raw, false);
    let text = text.trim();
    let kept = match key.name {
        "landingPage" if text.starts_with('/') => {
            Some(text.split(['?', '#']).next().unwrap_or("").to_string())
        }
        "landingPage" => url_part(text, false),
        "referrer" => url_part(text, true),
        _ => Some(text.to_string()),
    }?;
    let kept = truncate_chars(&kept, key.max).trim().to_string();
    (!kept.is_empty()).then_some(kept)
}

impl Attribution {
    /// From the capture body's `attribution` object: `Err` names an unknown key (the API is
    /// exact about its names, as for the lead's own fields). Values that clean to nothing are
    /// left out; a repeated key keeps its first value.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, &'static str> {
        let mut out = Attribution::default();
        for (name, value) in pairs {
            let key = KEYS.iter().find(|k| k.name == name).ok_or(UNKNOWN_KEY)?;
            out.insert(key, value);
        }
        Ok(out)
    }

    /// From a landing URL's query pairs (the hosted page's own), its path and the referrer.
    /// Other parameters are ignored.
    pub fn from_landing<'a>(
        path: &str,
        query: impl IntoIterator<Item = (&'a str, &'a str)>,
        referrer: Option<&str>,
    ) -> Self {
        let mut out = Attribution::default();
        out.insert(&KEYS[0], path);
        if let Some(referrer) = referrer {
            out.insert(&KEYS[1], referrer);
        }
        for (param, value) in query {
            if let Some(key) = KEYS.iter().find(|k| k.param == Some(param)) {
                out.insert(key, value);
            }
        }
        out
    }

    /// From the capture body's `firstTouch`: what the widget's loader kept in the host page's
    /// sessionStorage, `[landing path, referrer origin + path, [matched "?name=value" | "&name=value"…] | null]`
    /// (widget/loader/widget.js). Read like a landing URL, so only the known parameters count;
    /// anything malformed is no attribution rather than a refused lead.
    #[cfg(feature = "server")]
    pub fn from_first_touch(raw: &str) -> Self {
        let Ok((path, referrer, params)) =
            serde_json::from_str::<(String, String, Option<Vec<String>>)>(raw)
        else {
            return Attribution::default();
        };
        // Each piece starts with the `?` or `&` the loader matched it after.
        let query: Vec<String> = params
            .unwrap_or_default()
            .iter()
            .map(|piece| piece.get(1..).unwrap_or("").to_string())
            .collect();
        let query = query.join("&");
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        Self::from_landing(
            &path,
            pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            Some(referrer.as_str()).filter(|r| !r.is_empty()),
        )
    }

    fn insert(&mut self, key: &'static Key, raw: &str) {
        if self.get(key.name).is_none() {
            if let Some(value) = clean(key, raw) {
                self.0.push((key.name, value));
                self.0
                    .sort_by_key(|(name, _)| KEYS.iter().position(|k| k.name == *name));
            }
        }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The kept pairs, in [`KEYS`] order.
    pub fn pairs(&self) -> &[(&'static str, String)] {
        &self.0
    }

    /// A campaign to name in the dashboard: `source / medium / campaign`, what is set of it.
    pub fn campaign(&self) -> Option<String> {
        let parts: Vec<&str> = ["utmSource", "utmMedium", "utmCampaign"]
            .iter()
            .filter_map(|k| self.get(k))
            .collect();
        (!parts.is_empty()).then(|| parts.join(" / "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_known_keys_cleaned_and_in_order() {
        let a = Attribution::from_pairs([
            ("utmCampaign", " spring\u{202E} "),
            (
                "landingPage",
                "/offers/spa?utm_source=x&email=ada@example.com#top",
            ),
            ("referrer", "https://WWW.Google.com/search?q=ada+lovelace"),
            ("gclid", "TEST123"),
            ("utmSource", ""),
            ("liFatId", "abc\u{0}def"),
        ])
        .unwrap();
        assert_eq!(
            a.pairs(),
            [
                ("landingPage", "/offers/spa".to_string()),
                ("referrer", "https://www.google.com/search".to_string()),
                ("utmCampaign", "spring".to_string()),
                ("gclid", "TEST123".to_string()),
                ("liFatId", "abcdef".to_string()),
            ]
        );
        assert_eq!(a.campaign().as_deref(), Some("spring"));
    }

    #[test]
    fn an_unknown_key_is_refused() {
        assert_eq!(
            Attribution::from_pairs([("utmSource", "x"), ("email", "ada@example.com")]),
            Err(UNKNOWN_KEY)
        );
        assert_eq!(Attribution::from_pairs([]).map(|a| a.is_empty()), Ok(true));
    }

    #[test]
    fn urls_keep_only_what_identifies_no_one() {
        let cases = [
            (
                "referrer",
                "https://news.example/a/b?token=secret#x",
                Some("https://news.example/a/b"),
            ),
            (
                "referrer",
                "http://EXAMPLE.org",
                Some("http://example.org/"),
            ),
            ("referrer", "https://user:pw@evil.example/", None),
            ("referrer", "javascript:alert(1)", None),
            ("referrer", "android-app://com.google.android.gm/", None),
            ("referrer", "not a url", None),
            (
                "landingPage",
                "https://spa.example/book?gclid=1",
                Some("/book"),
            ),
            ("landingPage", "/", Some("/")),
            ("landingPage", "offers", None),
        ];
        for (name, raw, want) in cases {
            let a = Attribution::from_pairs([(name, raw)]).unwrap();
            assert_eq!(a.get(name), want, "{name} {raw:?}");
        }
    }

    #[test]
    fn every_value_is_bounded() {
        let long = "x".repeat(5000);
        let a = Attribution::from_pairs([
            ("utmTerm", long.as_str()),
            ("landingPage", &format!("/{long}")),
        ])
        .unwrap();
        assert_eq!(a.get("utmTerm").unwrap().chars().count(), 200);
        assert_eq!(a.get("landingPage").unwrap().chars().count(), 500);
    }

    #[test]
    fn the_hosted_page_reads_its_own_landing_url() {
        let a = Attribution::from_landing(
            "/b/seaside-spa",
            [
                ("utm_source", "newsletter"),
                ("lang", "es"),
                ("utm_source", "second"),
                ("fbclid", "F1"),
                ("email", "ada@example.com"),
            ],
            Some("https://instagram.com/p/abc?igshid=1"),
        );
        assert_eq!(
            a.pairs(),
            [
                ("landingPage", "/b/seaside-spa".to_string()),
                ("referrer", "https://instagram.com/p/abc".to_string()),
                ("utmSource", "newsletter".to_string()),
                ("fbclid", "F1".to_string()),
            ]
        );
    }

    #[test]
    fn key_names_are_unique_and_params_map_one_to_one() {
        for (i, a) in KEYS.iter().enumerate() {
            for b in &KEYS[i + 1..] {
                assert_ne!(a.name, b.name);
                assert!(a.param.is_none() || a.param != b.param);
            }
        }
    }

    #[cfg(feature = "server")]
    #[test]
    fn reads_the_loaders_first_touch_and_keeps_only_known_parameters() {
        let raw = r#"["/spring-offer","https://news.example/issue/7",["?utm_source=newsletter","&utm_campaign=spring%20sale","&gclid=TEST123","&li_fat_id=a+b"]]"#;
        let a = Attribution::from_first_touch(raw);
        assert_eq!(
            a.pairs(),
            [
                ("landingPage", "/spring-offer".to_string()),
                ("referrer", "https://news.example/issue/7".to_string()),
                ("utmSource", "newsletter".to_string()),
                ("utmCampaign", "spring sale".to_string()),
                ("gclid", "TEST123".to_string()),
                ("liFatId", "a b".to_string()),
            ]
        );
        // No referrer, no parameters.
        let direct = Attribution::from_first_touch(r#"["/","",null]"#);
        assert_eq!(direct.pairs(), [("landingPage", "/".to_string())]);
        // A piece the loader would never keep is still only what core knows.
        let odd =
            Attribution::from_first_touch(r#"["/x","",["?email=a@b.co","&utm_medium=cpc\u0007"]]"#);
        assert_eq!(odd.get("utmMedium"), Some("cpc"));
        assert_eq!(odd.pairs().len(), 2);
        // Anything malformed is no attribution, never an error.
        for bad in [
            "",
            "null",
            "{}",
            "[1,2,3]",
            r#"["/a"]"#,
            "[\"/a\",\"\",\"x\"]",
        ] {
            assert!(Attribution::from_first_touch(bad).is_empty(), "{bad}");
        }
    }
}
