//! Where `/r/ID` sends a visitor: the client's configured booking URL plus our UTM
//! parameters, the `tca_ref` that lets a completion find its handoff, and the provider's
//! own prefill parameters. The target always comes from settings, never from the request.

use crate::provider::Provider;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use url::Url;

pub const DEFAULT_UTM_SOURCE: &str = "treasurecoastai";
pub const UTM_MEDIUM: &str = "booking_widget";

/// What the visitor already told us, passed on so they don't type it twice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Prefill<'a> {
    pub name: &'a str,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub notes: Option<&'a str>,
}

/// Where our reference rides, besides `tca_ref`, for providers that hand back only their
/// tracking parameters (Calendly returns `utm_*` and `salesforce_uuid`, nothing else).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RefParam {
    #[default]
    UtmContent,
    UtmTerm,
    SalesforceUuid,
}

impl RefParam {
    pub const ALL: [RefParam; 3] = [
        RefParam::UtmContent,
        RefParam::UtmTerm,
        RefParam::SalesforceUuid,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RefParam::UtmContent => "utm_content",
            RefParam::UtmTerm => "utm_term",
            RefParam::SalesforceUuid => "salesforce_uuid",
        }
    }

    pub fn parse(s: &str) -> Option<RefParam> {
        RefParam::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

pub const REF_PARAM_INVALID: &str = "Choose utm_content, utm_term or salesforce_uuid.";

/// The visitor's own campaign parameters (attribution key, value), which replace ours when
/// the business asks for them, and their ad click ids, by the query name each rides as.
const VISITOR_PARAMS: [(&str, &str); 12] = [
    ("utmSource", "utm_source"),
    ("utmMedium", "utm_medium"),
    ("utmCampaign", "utm_campaign"),
    ("utmTerm", "utm_term"),
    ("utmContent", "utm_content"),
    ("gclid", "gclid"),
    ("gbraid", "gbraid"),
    ("wbraid", "wbraid"),
    ("fbclid", "fbclid"),
    ("msclkid", "msclkid"),
    ("ttclid", "ttclid"),
    ("liFatId", "li_fat_id"),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RedirectParams<'a> {
    pub provider: Provider,
    pub utm_source: Option<&'a str>,
    pub utm_campaign: Option<&'a str>,
    /// The handoff id; None for the direct link shown when capture failed.
    pub tca_ref: Option<&'a str>,
    /// None when the client turned prefill off.
    pub prefill: Option<Prefill<'a>>,
    pub ref_param: RefParam,
    /// The visitor's first touch (attribution key, value) when the business passes the
    /// visitor's own UTMs and click ids on instead of ours; empty otherwise.
    pub visitor: &'a [(&'static str, String)],
}

/// The base URL with our parameters appended. Scheme, host, port, path, fragment and the
/// base's own query pairs are kept byte for byte, except pairs whose key we set and the
/// handoff reference's keys (removed, so a stale `utm_source` or `tca_ref` in the configured
/// URL can never win, nor come back in a webhook when we send no reference at all).
pub fn build_redirect_url(base: &Url, p: &RedirectParams) -> Url {
    let ours = our_params(p);
    let reference_keys = reference_keys(p.provider, p.ref_param);
    let mut pairs: Vec<String> = base
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .filter(|pair| {
            let key = url::form_urlencoded::parse(pair.as_bytes())
                .next()
                .map(|(key, _)| key.into_owned())
                .unwrap_or_default();
            !ours.iter().any(|(ours, _)| *ours == key) && !reference_keys.contains(&key.as_str())
        })
        .map(str::to_string)
        .collect();
    pairs.extend(ours.iter().map(|(key, value)| {
        format!(
            "{}={}",
            utf8_percent_encode(key, KEY),
            utf8_percent_encode(value, VALUE)
        )
    }));
    let mut url = base.clone();
    url.set_query(Some(&pairs.join("&")));
    url
}

/// Our parameters in the documented order; empty values are left out.
fn our_params<'a>(p: &RedirectParams<'a>) -> Vec<(&'static str, &'a str)> {
    let visitor = |key: &str| {
        p.visitor
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.trim().is_empty())
    };
    let references: &[&str] = match non_empty(p.tca_ref) {
        Some(_) => reference_keys(p.provider, p.ref_param),
        None => &[],
    };
    let mut params: Vec<(&'static str, &'a str)> = Vec::new();
    if visitor("utmSource").is_some() {
        // The visitor's campaign, so the business's analytics on the provider see it; a
        // parameter our reference rides in stays ours.
        for (key, name) in VISITOR_PARAMS {
            if let Some(value) = visitor(key).filter(|_| !references.contains(&name)) {
                params.push((name, value));
            }
        }
    } else {
        params.push((
            "utm_source",
            non_empty(p.utm_source).unwrap_or(DEFAULT_UTM_SOURCE),
        ));
        params.push(("utm_medium", UTM_MEDIUM));
        if let Some(campaign) = non_empty(p.utm_campaign) {
            params.push(("utm_campaign", campaign));
        }
        for (key, name) in &VISITOR_PARAMS[5..] {
            if let Some(value) = visitor(key) {
                params.push((name, value));
            }
        }
    }
    if let Some(tca_ref) = non_empty(p.tca_ref) {
        for &key in references {
            params.push((key, tca_ref));
        }
    }
    let Some(prefill) = p.prefill else {
        return params;
    };
    let name = non_empty(Some(prefill.name));
    let mut push = |key: &'static str, value: Option<&'a str>| {
        if let Some(value) = non_empty(value) {
            params.push((key, value));
        }
    };
    match p.provider {
        Provider::Calendly => {
            push("name", name);
            push("email", prefill.email);
        }
        Provider::CalCom => {
            push("name", name);
            push("email", prefill.email);
            push("notes", prefill.notes);
        }
        Provider::Acuity => {
            let (first, last) = match name {
                Some(name) => match name.split_once(char::is_whitespace) {
                    Some((first, last)) => (Some(first), Some(last)),
                    None => (Some(name), None),
                },
                None => (None, None),
            };
            push("firstName", first);
            push("lastName", last);
            push("email", prefill.email);
            push("phone", prefill.phone);
        }
        // No documented prefill parameters.
        _ => {}
    }
    params
}

/// Where the handoff reference goes: `tca_ref`, then where each provider's webhook carries it
/// back (Calendly returns the UTM parameters, Cal.com the booking's metadata).
fn reference_keys(provider: Provider, ref_param: RefParam) -> &'static [&'static str] {
    match (provider, ref_param) {
        (Provider::Calendly, RefParam::UtmContent) => &["tca_ref", "utm_content"],
        (Provider::Calendly, RefParam::UtmTerm) => &["tca_ref", "utm_term"],
        (Provider::Calendly, RefParam::SalesforceUuid) => &["tca_ref", "salesforce_uuid"],
        (Provider::CalCom, _) => &["tca_ref", "metadata[tca_ref]"],
        _ => &["tca_ref"],
    }
}

fn non_empty(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// Everything but RFC 3986's unreserved characters is encoded in a value: spaces become
/// `%20`, which every provider's query parser decodes, unlike `+`.
const VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
/// Keys keep their brackets (`metadata[tca_ref]`, as Cal.com documents it).
const KEY: &AsciiSet = &VALUE.remove(b'[').remove(b']');

#[cfg(test)]
mod tests {
    use super::*;

    const REF: &str = "AAECAwQFBgcICQoLDA0ODw";

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn params(provider: Provider) -> RedirectParams<'static> {
        RedirectParams {
            ref_param: Default::default(),
            visitor: &[],
            provider,
            utm_source: None,
            utm_campaign: None,
            tca_ref: Some(REF),
            prefill: Some(Prefill {
                name: "Mary Jane Watson",
                email: Some("mj@example.com"),
                phone: Some("(772) 555-1234"),
                notes: Some("first visit"),
            }),
        }
    }

    fn query(u: &Url) -> &str {
        u.query().unwrap_or_default()
    }

    #[test]
    fn the_reference_rides_where_the_business_chose() {
        let base = url("https://calendly.com/spa/60min");
        for (ref_param, key) in [
            (RefParam::UtmContent, "utm_content"),
            (RefParam::UtmTerm, "utm_term"),
            (RefParam::SalesforceUuid, "salesforce_uuid"),
        ] {
            let p = RedirectParams {
                ref_param,
                prefill: None,
                ..params(Provider::Calendly)
            };
            let q = build_redirect_url(&base, &p)
                .query()
                .unwrap_or_default()
                .to_string();
            assert!(q.contains(&format!("tca_ref={REF}")), "{q}");
            assert!(q.contains(&format!("{key}={REF}")), "{q}");
            assert_eq!(RefParam::parse(key), Some(ref_param));
        }
    }

    #[test]
    fn the_visitors_own_campaign_and_click_ids_replace_ours_when_asked() {
        let visitor: Vec<(&'static str, String)> = vec![
            ("landingPage", "/spring".into()),
            ("utmSource", "newsletter".into()),
            ("utmMedium", "email".into()),
            ("utmContent", "hero button".into()),
            ("gclid", "TEST123".into()),
        ];
        let base = url("https://calendly.com/spa/60min?utm_source=stale");
        let p = RedirectParams {
            visitor: &visitor,
            prefill: None,
            utm_campaign: Some("ours"),
            ..params(Provider::Calendly)
        };
        assert_eq!(
            build_redirect_url(&base, &p).query(),
            Some(
                "utm_source=newsletter&utm_medium=email&gclid=TEST123\
                 &tca_ref=AAECAwQFBgcICQoLDA0ODw&utm_content=AAECAwQFBgcICQoLDA0ODw"
            ),
            "the visitor's utm_content gives way to our reference; the landing page never rides"
        );
        // Click ids alone ride next to our own UTMs.
        let clicks: Vec<(&'static str, String)> = vec![("fbclid", "F1".into())];
        let p = RedirectParams {
            visitor: &clicks,
            prefill: None,
            ..params(Provider::Generic)
        };
        assert_eq!(
            build_redirect_url(&url("https://spa.example/book"), &p).query(),
            Some("utm_source=treasurecoastai&utm_medium=booking_widget&fbclid=F1&tca_ref=AAECAwQFBgcICQoLDA0ODw")
        );
    }

    #[test]
    fn adds_each_providers_params() {
        let utm = "utm_source=treasurecoastai&utm_medium=booking_widget";
        let cases: Vec<(Provider, &str, String)> = vec![
            (
                Provider::Calendly,
                "https://calendly.com/sunrise/60min",
                format!("{utm}&tca_ref={REF}&utm_content={REF}&name=Mary%20Jane%20Watson&email=mj%40example.com"),
            ),
            (
                Provider::CalCom,
                "https://cal.com/sunrise/facial",
                format!("{utm}&tca_ref={REF}&metadata[tca_ref]={REF}&name=Mary%20Jane%20Watson&email=mj%40example.com&notes=first%20visit"),
            ),
            (
                Provider::Acuity,
                "https://sunrise.as.me/schedule.php",
                format!("{utm}&tca_ref={REF}&firstName=Mary&lastName=Jane%20Watson&email=mj%40example.com&phone=%28772%29%20555-1234"),
            ),
            (
                Provider::Square,
                "https://sunrise.square.site/",
                format!("{utm}&tca_ref={REF}"),
            ),
            (
                Provider::Mindbody,
                "https://clients.mindbodyonline.com/",
                format!("{utm}&tca_ref={REF}"),
            ),
            (
                Provider::Vagaro,
                "https://www.vagaro.com/sunrise",
                format!("{utm}&tca_ref={REF}"),
            ),
            (
                Provider::Fresha,
                "https://www.fresha.com/a/sunrise",
                format!("{utm}&tca_ref={REF}"),
            ),
            (
                Provider::Setmore,
                "https://sunrise.setmore.com/",
                format!("{utm}&tca_ref={REF}"),
            ),
            (
                Provider::SimplyBook,
                "https://sunrise.simplybook.me/v2/",
                format!("{utm}&tca_ref={REF}"),
            ),
            (
                Provider::Generic,
                "https://shop.example/book",
                format!("{utm}&tca_ref={REF}"),
            ),
        ];
        for (provider, base, want) in cases {
            let built = build_redirect_url(&url(base), &params(provider));
            assert_eq!(query(&built), want, "{provider:?}");
            assert_eq!(built.path(), url(base).path(), "{provider:?}");
        }
    }

    #[test]
    fn keeps_base_url_fragment_and_own_params() {
        let base = url("https://x.example:8443/book/now?staff=3&flag&q=a%20b+c#calendar");
        let built = build_redirect_url(&base, &params(Provider::Generic));
        assert_eq!(
            built.as_str(),
            format!(
                "https://x.example:8443/book/now?staff=3&flag&q=a%20b+c\
                 &utm_source=treasurecoastai&utm_medium=booking_widget&tca_ref={REF}#calendar"
            )
        );
    }

    #[test]
    fn replaces_duplicate_keys_instead_of_appending() {
        let base = url(
            "https://calendly.com/x?utm_source=old&tca_ref=stale&keep=1&utm_medium=x\
             &utm_content=old&name=Someone&utm_source=older&email=a%40b.c",
        );
        let built = build_redirect_url(&base, &params(Provider::Calendly));
        let pairs: Vec<(String, String)> = built.query_pairs().into_owned().collect();
        let count = |key: &str| pairs.iter().filter(|(k, _)| k == key).count();
        for key in [
            "utm_source",
            "utm_medium",
            "tca_ref",
            "utm_content",
            "name",
            "email",
        ] {
            assert_eq!(count(key), 1, "{key}");
        }
        let value = |key: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(value("keep"), Some("1"));
        assert_eq!(value("tca_ref"), Some(REF));
        assert_eq!(value("utm_source"), Some("treasurecoastai"));
        assert_eq!(value("name"), Some("Mary Jane Watson"));
        assert_eq!(pairs[0], ("keep".into(), "1".into()));
    }

    #[test]
    fn replaces_an_encoded_duplicate_key() {
        let base = url("https://cal.com/x?metadata%5Btca_ref%5D=stale&utm%5Fsource=old");
        let built = build_redirect_url(&base, &params(Provider::CalCom));
        let pairs: Vec<(String, String)> = built.query_pairs().into_owned().collect();
        let refs: Vec<&str> = pairs
            .iter()
            .filter(|(k, _)| k == "metadata[tca_ref]")
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(refs, [REF]);
        assert_eq!(pairs.iter().filter(|(k, _)| k == "utm_source").count(), 1);
    }

    #[test]
    fn drops_a_configured_reference_even_when_sending_none() {
        // Found by fuzzing: the direct link (capture failed, no tca_ref) passed on a
        // reference from the configured URL, which a webhook would bring back as a match.
        let stale = "AAECAwQFBgcICQoLDA0ODw";
        for (provider, base) in [
            (
                Provider::Calendly,
                format!("https://calendly.com/x?tca_ref={stale}&utm_content={stale}&keep=1"),
            ),
            (
                Provider::CalCom,
                format!("https://cal.com/x?keep=1&metadata%5Btca_ref%5D={stale}&tca_ref=x"),
            ),
            (
                Provider::Generic,
                format!("https://shop.example/?tca_ref={stale}&keep=1"),
            ),
        ] {
            let mut p = params(provider);
            p.tca_ref = None;
            p.prefill = None;
            let built = build_redirect_url(&url(&base), &p);
            assert_eq!(
                query(&built),
                "keep=1&utm_source=treasurecoastai&utm_medium=booking_widget",
                "{provider:?}"
            );
        }
    }

    #[test]
    fn keeps_a_base_utm_campaign_when_we_set_none() {
        let base = url("https://x.example/?utm_campaign=spring");
        let built = build_redirect_url(&base, &params(Provider::Generic));
        assert!(query(&built).starts_with("utm_campaign=spring&utm_source=treasurecoastai"));
    }

    #[test]
    fn uses_utm_defaults_and_omits_empty_values() {
        let cases: &[(Option<&str>, Option<&str>, &str)] = &[
            (
                None,
                None,
                "utm_source=treasurecoastai&utm_medium=booking_widget",
            ),
            (
                Some(""),
                Some(""),
                "utm_source=treasurecoastai&utm_medium=booking_widget",
            ),
            (
                Some("  "),
                Some(" "),
                "utm_source=treasurecoastai&utm_medium=booking_widget",
            ),
            (
                Some("spa_site"),
                Some("fall-2026"),
                "utm_source=spa_site&utm_medium=booking_widget&utm_campaign=fall-2026",
            ),
        ];
        for (source, campaign, want) in cases {
            let p = RedirectParams {
                ref_param: Default::default(),
                visitor: &[],
                provider: Provider::Calendly,
                utm_source: *source,
                utm_campaign: *campaign,
                tca_ref: None,
                prefill: None,
            };
            let built = build_redirect_url(&url("https://calendly.com/x"), &p);
            assert_eq!(query(&built), *want, "{source:?} {campaign:?}");
        }
    }

    #[test]
    fn omits_tca_ref_for_the_direct_link() {
        let mut p = params(Provider::CalCom);
        p.tca_ref = None;
        p.prefill = None;
        let built = build_redirect_url(&url("https://cal.com/x"), &p);
        assert_eq!(
            query(&built),
            "utm_source=treasurecoastai&utm_medium=booking_widget"
        );
        p.tca_ref = Some("");
        let built = build_redirect_url(&url("https://cal.com/x"), &p);
        assert!(!query(&built).contains("tca_ref"));
    }

    #[test]
    fn prefills_nothing_when_prefill_is_off() {
        for provider in [Provider::Calendly, Provider::CalCom, Provider::Acuity] {
            let mut p = params(provider);
            p.prefill = None;
            let built = build_redirect_url(&url("https://x.example/"), &p);
            for key in ["name=", "email=", "notes=", "firstName=", "phone="] {
                assert!(!query(&built).contains(key), "{provider:?} {key}");
            }
        }
    }

    #[test]
    fn omits_empty_prefill_values() {
        let p = RedirectParams {
            ref_param: Default::default(),
            visitor: &[],
            provider: Provider::Acuity,
            utm_source: None,
            utm_campaign: None,
            tca_ref: None,
            prefill: Some(Prefill {
                name: "Cher",
                email: Some(" "),
                phone: None,
                notes: None,
            }),
        };
        let built = build_redirect_url(&url("https://x.as.me/"), &p);
        assert_eq!(
            query(&built),
            "utm_source=treasurecoastai&utm_medium=booking_widget&firstName=Cher"
        );
        let p = RedirectParams {
            ref_param: Default::default(),
            visitor: &[],
            prefill: Some(Prefill::default()),
            ..p
        };
        let built = build_redirect_url(&url("https://x.as.me/"), &p);
        assert_eq!(
            query(&built),
            "utm_source=treasurecoastai&utm_medium=booking_widget"
        );
    }

    #[test]
    fn percent_encodes_names_with_spaces_ampersands_hashes_and_unicode() {
        let cases: &[(&str, &str)] = &[
            ("Ann Lee", "Ann%20Lee"),
            ("Ann & Bob", "Ann%20%26%20Bob"),
            ("Suite #1", "Suite%20%231"),
            ("José Núñez", "Jos%C3%A9%20N%C3%BA%C3%B1ez"),
            ("a=b+c?d/e", "a%3Db%2Bc%3Fd%2Fe"),
            ("李小龙", "%E6%9D%8E%E5%B0%8F%E9%BE%99"),
        ];
        for (name, encoded) in cases {
            let p = RedirectParams {
                ref_param: Default::default(),
                visitor: &[],
                provider: Provider::Calendly,
                utm_source: None,
                utm_campaign: None,
                tca_ref: None,
                prefill: Some(Prefill {
                    name,
                    ..Prefill::default()
                }),
            };
            let built = build_redirect_url(&url("https://calendly.com/x#frag"), &p);
            assert!(
                query(&built).ends_with(&format!("&name={encoded}")),
                "{}",
                built
            );
            assert_eq!(built.fragment(), Some("frag"));
            let decoded = built
                .query_pairs()
                .find(|(k, _)| k == "name")
                .map(|(_, v)| v.into_owned());
            assert_eq!(decoded.as_deref(), Some(*name));
        }
    }

    #[test]
    fn never_changes_scheme_host_port_or_path() {
        let bases = [
            "https://calendly.com/a/b",
            "http://localhost:8787/book",
            "https://[2001:db8::1]:8443/x?y=1#z",
            "https://xn--bcher-kva.example/",
        ];
        for base in bases {
            let base = url(base);
            let built = build_redirect_url(&base, &params(Provider::Acuity));
            assert_eq!(built.scheme(), base.scheme());
            assert_eq!(built.host_str(), base.host_str());
            assert_eq!(built.port(), base.port());
            assert_eq!(built.path(), base.path());
            assert_eq!(built.fragment(), base.fragment());
            assert_eq!(Url::parse(built.as_str()).unwrap(), built);
        }
    }
}
