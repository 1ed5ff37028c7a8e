//! API-level checks of a request whose signature is valid: its action, version, region and
//! parameters against the API definitions (`cloudsig-api`), with the checks of
//! `cloudsig verify` ([`cloudsig_verify::api_check::check`]). The clouds authenticate
//! before they read parameters, so only a valid request is checked, and the first finding
//! is answered with the cloud's code and status ([`crate::cloud::Cloud::api_error`]).
//!
//! Clients reach this server through their endpoint setting, so the Host they send is the
//! server's own address, which names no product. Tencent's product is the TC3 credential
//! scope's service (the Host is not needed; a v1 request names no service and is not
//! checked). Alibaba's and Huawei's definitions find their product by the Host's first
//! label: when it names none, the request is checked as sent to each product of its cloud
//! in turn, and the product whose documented method and path template the request matches
//! is the one (one that matches no operation of any product is not checked, as
//! `cloudsig verify` does for a product it defines only in part).

use cloudsig_api::{Catalog, Finding, Verdict};
use cloudsig_verify::Scheme;
use cloudsig_verify::capture::RequestView;

use crate::cloud::Cloud;

/// The first API-level finding on `view` (signed with `scheme`), if any.
pub(crate) fn first_finding(
    catalog: &Catalog,
    view: &RequestView<'_>,
    scheme: Scheme,
) -> Option<Finding> {
    let verdict = match cloudsig_verify::api_check::check(catalog, view, scheme) {
        Verdict::NotChecked { .. } => by_operation(catalog, view, scheme)?,
        checked @ Verdict::Checked { .. } => checked,
    };
    verdict.findings().first().cloned()
}

/// The verdict of the Alibaba or Huawei product whose operation `view` calls, checked as if
/// sent to that product's host; `None` for another cloud or when no product's operation
/// matches.
fn by_operation(catalog: &Catalog, view: &RequestView<'_>, scheme: Scheme) -> Option<Verdict> {
    let cloud = Cloud::of_scheme(scheme)?;
    if !matches!(cloud, Cloud::Alibaba | Cloud::Huawei) {
        return None;
    }
    catalog.of_cloud(cloud.name()).find_map(|product| {
        // The product's name is the host label its definitions answer on (Alibaba
        // `elasticsearch`, Huawei `ecs`, `kafka`).
        let host = format!("{}.cloudsig-serve", product.name);
        let mut headers: Vec<(&str, &str)> = view
            .headers
            .iter()
            .filter(|(n, _)| !n.eq_ignore_ascii_case("host"))
            .copied()
            .collect();
        headers.push(("host", &host));
        let as_sent_there = RequestView {
            location: view.location,
            method: view.method,
            target: view.target,
            headers,
            body: view.body,
        };
        match cloudsig_verify::api_check::check(catalog, &as_sent_there, scheme) {
            checked @ Verdict::Checked { .. } => Some(checked),
            Verdict::NotChecked { .. } => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view<'a>(
        method: &'a str,
        target: &'a str,
        headers: Vec<(&'a str, &'a str)>,
        body: &'a [u8],
    ) -> RequestView<'a> {
        RequestView {
            location: Default::default(),
            method,
            target,
            headers,
            body,
        }
    }

    const KAFKA_CREATE: &str = r#"{"name": "kafka-test", "engine": "kafka", "engine_version": "3.x",
        "broker_num": 3, "storage_space": 300, "vpc_id": "********-9b4a-44c5-a964-************",
        "security_group_id": "********-e073-4aad-991f-************",
        "subnet_id": "********-8fbf-4438-ba71-************",
        "available_zones": ["********706d4c1fb0eb72f0********"], "product_id": "c6.2u4g.cluster",
        "storage_spec_code": "dms.physical.storage.ultra.v2"}"#;

    #[test]
    fn a_huawei_request_to_the_servers_own_host_is_checked_by_its_operation() {
        let catalog = Catalog::builtin().unwrap_or_default();
        // DMS Kafka's CreateInstance (POST /v2/{engine}/{project_id}/instances in
        // specs/huawei/kafka-v2.json) with an empty body: DMS.00400004, "The request body is
        // empty." in the DMS error code table.
        let v = view(
            "POST",
            "/v2/kafka/0123/instances",
            vec![("Host", "127.0.0.1:8080")],
            b"",
        );
        let f = first_finding(&catalog, &v, Scheme::HuaweiSdkHmacSha256);
        assert_eq!(f.map(|f| f.code), Some("DMS.00400004".to_string()));
        // The required fields with the document's example values (engine_version one of the
        // table's): no finding. The body the serve_clients.py / serve-node harness sends.
        let v = view(
            "POST",
            "/v2/kafka/0123/instances",
            vec![("Host", "127.0.0.1:8080")],
            KAFKA_CREATE.as_bytes(),
        );
        let f = first_finding(&catalog, &v, Scheme::HuaweiSdkHmacSha256);
        assert!(f.is_none(), "{f:?}");
        // Cut to two fields: the required ones missing, DMS.00400062.
        let v = view(
            "POST",
            "/v2/kafka/0123/instances",
            vec![("Host", "127.0.0.1:8080")],
            br#"{"name": "kafka-demo", "engine": "kafka"}"#,
        );
        let f = first_finding(&catalog, &v, Scheme::HuaweiSdkHmacSha256);
        assert_eq!(f.map(|f| f.code), Some("DMS.00400062".to_string()));
        // A path no product defines: not checked.
        let v = view(
            "GET",
            "/v9/elsewhere",
            vec![("Host", "127.0.0.1:8080")],
            b"",
        );
        assert!(first_finding(&catalog, &v, Scheme::HuaweiSdkHmacSha256).is_none());
    }
}
