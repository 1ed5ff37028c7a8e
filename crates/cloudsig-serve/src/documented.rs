//! The emulator's success bodies: for a valid request to an action whose API definition
//! (`specs/`, built into `cloudsig-api`) has a documented success response, that example;
//! otherwise none (the cloud module answers an empty success).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};

use cloudsig_api::{Action, Catalog};
use serde_json::Value;

use crate::cloud::{Answer, Cloud, Context, Template};

/// The request as the lookup needs it: method, path, query and headers as received.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Called<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    pub headers: &'a [(&'a str, &'a str)],
}

impl Called<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    }

    fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .split('&')
            .find_map(|p| p.strip_prefix(name)?.strip_prefix('='))
    }

    /// The TC3 credential scope's service: `Credential=ID/DATE/SERVICE/tc3_request`.
    fn tc3_service(&self) -> Option<&str> {
        let auth = self.header("authorization")?;
        let credential = auth.split("Credential=").nth(1)?;
        let credential = credential.split([',', ' ']).next()?;
        let mut scope = credential.rsplit('/');
        (scope.next()? == "tc3_request").then_some(())?;
        scope.next()
    }
}

/// Templates of documented successes by cloud and the example's address.
type Examples = HashMap<(Cloud, usize), Option<Arc<Template>>>;

/// The documented success bodies, looked up by the request's cloud and action, and the
/// success answers rendered once each (see [`Template`]).
#[derive(Debug, Default)]
pub(crate) struct Documented {
    catalog: Option<Arc<Catalog>>,
    /// The empty success of each cloud (by [`Cloud`] order); `None` inside when no template
    /// can stand for it.
    empty: [OnceLock<Option<Template>>; 3],
    /// The documented successes rendered so far, by cloud and the example's address in
    /// the catalog (which lives as long as `self`): at most one per example and cloud.
    examples: RwLock<Examples>,
}

impl Documented {
    /// The built-in definitions (none, and so only empty successes, if they do not load,
    /// which the `cloudsig-api` tests rule out).
    pub(crate) fn builtin() -> Self {
        let catalog = Catalog::builtin()
            .map_err(
                |e| tracing::warn!(error = %e, "API definitions not loaded: empty successes only"),
            )
            .ok()
            .map(Arc::new);
        Self {
            catalog,
            ..Self::default()
        }
    }

    /// The emulator's empty success of `cloud` (as [`Cloud::success`] gives it).
    pub(crate) fn success(&self, cloud: Cloud, ctx: &Context<'_>) -> Answer {
        let slot = match cloud {
            Cloud::Tencent => &self.empty[0],
            Cloud::Alibaba => &self.empty[1],
            Cloud::Huawei => &self.empty[2],
        };
        let template = slot.get_or_init(|| Template::of(|id| cloud.success(&with_id(ctx, id))));
        template
            .as_ref()
            .and_then(|t| t.fill(ctx.request_id))
            .unwrap_or_else(|| cloud.success(ctx))
    }

    /// The emulator's answer with the documented `body` (one [`Self::body`] gave) for
    /// `cloud` (as [`Cloud::documented_success`] gives it).
    pub(crate) fn documented_success(
        &self,
        cloud: Cloud,
        body: &Value,
        ctx: &Context<'_>,
    ) -> Answer {
        let key = (cloud, std::ptr::from_ref(body) as usize);
        let known = self.examples.read().ok().and_then(|m| m.get(&key).cloned());
        let template = known.unwrap_or_else(|| {
            let made =
                Template::of(|id| cloud.documented_success(body, &with_id(ctx, id))).map(Arc::new);
            if let Ok(mut m) = self.examples.write() {
                m.insert(key, made.clone());
            }
            made
        });
        template
            .and_then(|t| t.fill(ctx.request_id))
            .unwrap_or_else(|| cloud.documented_success(body, ctx))
    }

    /// The definitions, if loaded (also those the API checks use).
    pub(crate) fn catalog(&self) -> Option<&Catalog> {
        self.catalog.as_deref()
    }

    /// The documented success body for a valid request of `cloud`, if its action has one:
    /// Tencent by the credential scope's service and `X-TC-Action` (or `Action=`); Alibaba and
    /// Huawei by method and path template, Alibaba also by `x-acs-action` (or `Action=`).
    pub(crate) fn body(&self, cloud: Cloud, called: &Called<'_>) -> Option<&Value> {
        let catalog = self.catalog.as_ref()?;
        let named = || {
            called
                .header("x-tc-action")
                .or_else(|| called.header("x-acs-action"))
                .or_else(|| called.query_param("Action"))
        };
        let action: Option<&Action> = match cloud {
            Cloud::Tencent => catalog.tencent_action(called.tc3_service()?, named()?),
            Cloud::Alibaba => catalog
                .rest_operation("alibaba", called.method, called.path)
                .or_else(|| catalog.named_action("alibaba", named()?)),
            Cloud::Huawei => catalog.rest_operation("huawei", called.method, called.path),
        };
        action?.response_example()
    }
}

/// `ctx` with another request id.
fn with_id<'a>(ctx: &Context<'a>, request_id: &'a str) -> Context<'a> {
    Context { request_id, ..*ctx }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn called<'a>(
        method: &'a str,
        path: &'a str,
        query: &'a str,
        headers: &'a [(&'a str, &'a str)],
    ) -> Called<'a> {
        Called {
            method,
            path,
            query,
            headers,
        }
    }

    #[test]
    fn the_documented_example_is_found_for_each_cloud() {
        let d = Documented::builtin();
        // Expected values from the seed documents' examples (specs/seeds/).
        let tc = [
            (
                "Authorization",
                "TC3-HMAC-SHA256 Credential=AKID/2026-01-01/es/tc3_request, SignedHeaders=host, Signature=0",
            ),
            ("X-TC-Action", "GetRequestTargetNodeTypes"),
        ];
        let body = d.body(Cloud::Tencent, &called("POST", "/", "", &tc));
        assert_eq!(
            body.map(|b| b["Response"]["TargetNodeTypes"].to_string()),
            Some(r#"["hot","warm"]"#.to_string())
        );
        // Another service, or an action without an example: none.
        let cvm = [
            (
                "Authorization",
                "TC3-HMAC-SHA256 Credential=AKID/2026-01-01/cvm/tc3_request, SignedHeaders=host, Signature=0",
            ),
            ("X-TC-Action", "DescribeInstances"),
        ];
        assert!(
            d.body(Cloud::Tencent, &called("POST", "/", "", &cvm))
                .is_none()
        );

        let hw = d.body(
            Cloud::Huawei,
            &called("POST", "/v2/kafka/0123/instances", "", &[]),
        );
        assert_eq!(
            hw.and_then(|b| b["instance_id"].as_str()),
            Some("8959ab1c-7n1a-yyb1-a05t-93dfc361b32d")
        );
        assert!(
            d.body(
                Cloud::Huawei,
                &called("GET", "/v1/0123/cloudservers/detail", "", &[])
            )
            .is_none()
        );
        let ali = d.body(
            Cloud::Alibaba,
            &called("POST", "/", "", &[("x-acs-action", "UpgradeEngineVersion")]),
        );
        assert!(ali.is_some_and(|b| b["Result"].is_array()));
        let ali_roa = d.body(
            Cloud::Alibaba,
            &called(
                "POST",
                "/openapi/instances/es-cn-1/actions/upgrade-version",
                "",
                &[],
            ),
        );
        assert_eq!(ali_roa, ali);
    }

    /// The answers filled from a template are, byte for byte, those the clouds' modules
    /// render anew for the same request id (the first and the later uses of a template).
    #[test]
    fn answers_from_templates_are_those_rendered_anew() {
        let d = Documented::builtin();
        fn ctx(request_id: &str) -> Context<'_> {
            Context {
                request_id,
                host: Some("127.0.0.1:8080"),
                max_body: 1024,
            }
        }
        let tc = [
            (
                "Authorization",
                "TC3-HMAC-SHA256 Credential=AKID/2026-01-01/es/tc3_request, SignedHeaders=host, Signature=0",
            ),
            ("X-TC-Action", "GetRequestTargetNodeTypes"),
        ];
        let examples = [
            (
                Cloud::Tencent,
                d.body(Cloud::Tencent, &called("POST", "/", "", &tc)),
            ),
            (
                Cloud::Alibaba,
                d.body(
                    Cloud::Alibaba,
                    &called("POST", "/", "", &[("x-acs-action", "UpgradeEngineVersion")]),
                ),
            ),
            (
                Cloud::Huawei,
                d.body(
                    Cloud::Huawei,
                    &called("POST", "/v2/kafka/0123/instances", "", &[]),
                ),
            ),
        ];
        for (cloud, example) in examples {
            let example = example.unwrap();
            // Both answers have a template (else every answer would be rendered anew).
            assert!(Template::of(|id| cloud.success(&ctx(id))).is_some());
            assert!(Template::of(|id| cloud.documented_success(example, &ctx(id))).is_some());
            for _ in 0..3 {
                let id = cloud.request_id();
                assert_eq!(d.success(cloud, &ctx(&id)), cloud.success(&ctx(&id)));
                assert_eq!(
                    d.documented_success(cloud, example, &ctx(&id)),
                    cloud.documented_success(example, &ctx(&id))
                );
            }
            // An id that JSON would escape is rendered anew.
            let odd = "a\"b\\c";
            assert_eq!(d.success(cloud, &ctx(odd)), cloud.success(&ctx(odd)));
        }
        // An example holding the template's own stand-in id cannot be a template; it is
        // rendered anew each time.
        let tricky =
            serde_json::json!({"Response": {"Note": "cloudsig-template-request-id-7d1f0c"}});
        assert!(Template::of(|id| Cloud::Tencent.documented_success(&tricky, &ctx(id))).is_none());
        let id = Cloud::Tencent.request_id();
        assert_eq!(
            d.documented_success(Cloud::Tencent, &tricky, &ctx(&id)),
            Cloud::Tencent.documented_success(&tricky, &ctx(&id))
        );
    }
}
