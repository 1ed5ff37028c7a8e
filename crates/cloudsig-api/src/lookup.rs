//! Finding the documented action a request calls, and its documented success response (for an
//! emulator that answers like the cloud).

use serde_json::Value;

use crate::rest::match_path;
use crate::{Action, Catalog};

impl Catalog {
    /// The action `action` of the Tencent product `service` (the credential scope's service).
    ///
    /// ```
    /// let catalog = cloudsig_api::Catalog::builtin()?;
    /// assert!(catalog.tencent_action("es", "DescribeInstances").is_some());
    /// assert!(catalog.tencent_action("cvm", "DescribeInstances").is_none());
    /// # Ok::<(), cloudsig_api::LoadError>(())
    /// ```
    pub fn tencent_action(&self, service: &str, action: &str) -> Option<&Action> {
        self.products
            .iter()
            .find(|p| p.cloud == "tencent" && p.name == service)?
            .action(action)
    }

    /// The operation of `cloud` (`alibaba`, `huawei`) whose method and path template match a
    /// request's method and path (without the query), in any of that cloud's products.
    ///
    /// ```
    /// let catalog = cloudsig_api::Catalog::builtin()?;
    /// let op = catalog.rest_operation("huawei", "POST", "/v2.1/0123/servers");
    /// assert_eq!(op.map(|a| a.name.as_str()), Some("CreateServer"));
    /// # Ok::<(), cloudsig_api::LoadError>(())
    /// ```
    pub fn rest_operation(&self, cloud: &str, method: &str, path: &str) -> Option<&Action> {
        self.products
            .iter()
            .filter(|p| p.cloud == cloud)
            .flat_map(|p| p.actions.iter())
            .find(|a| a.method.eq_ignore_ascii_case(method) && match_path(&a.path, path).is_some())
    }

    /// The action of `cloud` with this exact name, in any of its products (an Alibaba ACS3
    /// request's `x-acs-action`).
    pub fn named_action(&self, cloud: &str, name: &str) -> Option<&Action> {
        self.products
            .iter()
            .filter(|p| p.cloud == cloud)
            .find_map(|p| p.action(name))
    }
}

impl Action {
    /// The body of the first documented success response, if the document has one.
    ///
    /// ```
    /// let catalog = cloudsig_api::Catalog::builtin()?;
    /// let action = catalog.tencent_action("es", "GetRequestTargetNodeTypes");
    /// let body = action.and_then(|a| a.response_example());
    /// assert_eq!(body.and_then(|b| b["Response"]["TargetNodeTypes"][0].as_str()), Some("hot"));
    /// # Ok::<(), cloudsig_api::LoadError>(())
    /// ```
    pub fn response_example(&self) -> Option<&Value> {
        self.responses.first()?.get("body")
    }
}

#[cfg(test)]
mod tests {
    use crate::Catalog;

    #[test]
    fn every_documented_action_is_found_by_its_request() -> Result<(), crate::LoadError> {
        let c = Catalog::builtin()?;
        // Expected values from the seed documents (specs/seeds/): the ES DescribeInstances
        // output example lists instance `es-7sy7efoi`; Kafka's example response gives
        // `instance_id`; UpgradeEngineVersion's sample response has `Result`.
        let es = c
            .tencent_action("es", "DescribeInstances")
            .and_then(|a| a.response_example());
        assert_eq!(
            es.and_then(|b| b["Response"]["InstanceList"][0]["InstanceId"].as_str()),
            Some("es-7sy7efoi")
        );
        let kafka = c.rest_operation("huawei", "POST", "/v2/kafka/p1/instances");
        assert_eq!(
            kafka
                .and_then(|a| a.response_example())
                .and_then(|b| b["instance_id"].as_str()),
            Some("8959ab1c-7n1a-yyb1-a05t-93dfc361b32d")
        );
        let upgrade = c.rest_operation(
            "alibaba",
            "post",
            "/openapi/instances/es-cn-1/actions/upgrade-version",
        );
        assert!(
            upgrade
                .and_then(|a| a.response_example())
                .is_some_and(|b| b["Result"].is_array())
        );
        assert!(
            c.rest_operation("huawei", "GET", "/v2.1/p1/servers")
                .is_none()
        );
        assert!(c.named_action("alibaba", "UpgradeEngineVersion").is_some());
        // createInstance's sample in the seed is its (cut) request body: no response example.
        assert!(
            c.named_action("alibaba", "createInstance")
                .is_some_and(|a| a.response_example().is_none())
        );
        Ok(())
    }
}
