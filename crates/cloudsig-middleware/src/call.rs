//! Naming the API call on a request builder, as the clouds' SDKs send it.

/// Names the API call (action and API version) on a request builder with the headers
/// each cloud reads them from: `X-TC-Action` / `X-TC-Version` for Tencent Cloud TC3
/// (Tencent Cloud API 3.0, "Signature v3"), `x-acs-action` / `x-acs-version` for Alibaba
/// Cloud ACS3 and ROA (Alibaba Cloud "V3 request body and signature"). Tencent v1 and
/// Alibaba RPC name the call in the `Action` / `Version` query parameters instead, and
/// Huawei Cloud in the path: give those in the URL.
///
/// Implemented for `reqwest_middleware::RequestBuilder` and `reqwest::RequestBuilder`
/// (feature `reqwest`) and for `http::request::Builder`.
///
/// ```
/// use cloudsig_middleware::ApiCall;
/// let req = http::Request::post("https://cvm.tencentcloudapi.com/")
///     .tencent_action("DescribeRegions", "2017-03-12")
///     .body(())?;
/// assert_eq!(req.headers()["X-TC-Action"], "DescribeRegions");
/// assert_eq!(req.headers()["X-TC-Version"], "2017-03-12");
/// # Ok::<(), http::Error>(())
/// ```
pub trait ApiCall: Sized {
    /// Sets `name: value` (the builder's own `header`).
    fn set_header(self, name: &'static str, value: &str) -> Self;

    /// Tencent Cloud TC3: `X-TC-Action: action` and `X-TC-Version: version`.
    fn tencent_action(self, action: &str, version: &str) -> Self {
        self.set_header("X-TC-Action", action)
            .set_header("X-TC-Version", version)
    }

    /// Alibaba Cloud ACS3 / ROA: `x-acs-action: action` and `x-acs-version: version`.
    fn alibaba_action(self, action: &str, version: &str) -> Self {
        self.set_header("x-acs-action", action)
            .set_header("x-acs-version", version)
    }
}

impl ApiCall for http::request::Builder {
    fn set_header(self, name: &'static str, value: &str) -> Self {
        self.header(name, value)
    }
}

#[cfg(feature = "reqwest")]
impl ApiCall for reqwest::RequestBuilder {
    fn set_header(self, name: &'static str, value: &str) -> Self {
        self.header(name, value)
    }
}

#[cfg(feature = "reqwest")]
impl ApiCall for reqwest_middleware::RequestBuilder {
    fn set_header(self, name: &'static str, value: &str) -> Self {
        self.header(name, value)
    }
}

#[cfg(test)]
mod tests {
    use super::ApiCall;

    /// The header names are the clouds' documented ones (Tencent Cloud API 3.0 common
    /// parameters; Alibaba Cloud V3 signature common request headers).
    #[test]
    fn names_the_call_in_the_documented_headers() -> Result<(), http::Error> {
        let tc = http::Request::post("https://cvm.tencentcloudapi.com/")
            .tencent_action("DescribeRegions", "2017-03-12")
            .body(())?;
        let names: Vec<_> = tc
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str(), v.to_str().ok()))
            .collect();
        assert_eq!(
            names,
            [
                ("x-tc-action", Some("DescribeRegions")),
                ("x-tc-version", Some("2017-03-12"))
            ]
        );
        let ali = http::Request::post("https://ecs.cn-hangzhou.aliyuncs.com/")
            .alibaba_action("DescribeRegions", "2014-05-26")
            .body(())?;
        let names: Vec<_> = ali
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str(), v.to_str().ok()))
            .collect();
        assert_eq!(
            names,
            [
                ("x-acs-action", Some("DescribeRegions")),
                ("x-acs-version", Some("2014-05-26"))
            ]
        );
        Ok(())
    }
}
