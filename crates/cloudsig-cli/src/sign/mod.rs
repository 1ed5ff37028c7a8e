//! `cloudsig sign`: one subcommand per scheme, each cloud's in its own file
//! (`tencent.rs`, `alibaba.rs`, `huawei.rs`); what they share is in `output.rs`.

mod alibaba;
mod huawei;
mod tencent;

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum SignCommand {
    /// TC3-HMAC-SHA256 (API 3.0): prints the request with its Authorization header.
    Tc3(tencent::Tc3Args),
    /// v1 HmacSHA1 / HmacSHA256: prints the request with its Signature parameter.
    V1(tencent::V1Args),
    /// Alibaba Cloud ACS3-HMAC-SHA256 / ACS3-HMAC-SM3 (signature V3).
    Acs3(alibaba::Acs3Args),
    /// Alibaba Cloud ROA HMAC-SHA1 (V2, `Authorization: acs AK:signature`).
    Roa(alibaba::RoaArgs),
    /// Alibaba Cloud RPC HMAC-SHA1 (V2, the Signature parameter).
    Rpc(alibaba::RpcArgs),
    /// Huawei Cloud SDK-HMAC-SHA256 / SDK-HMAC-SM3 / V11-HMAC-SHA256.
    Huawei(huawei::HuaweiArgs),
}

pub fn run(cmd: SignCommand) -> Result<(), String> {
    match cmd {
        SignCommand::Tc3(a) => tencent::run_tc3(a),
        SignCommand::V1(a) => tencent::run_v1(a),
        SignCommand::Acs3(a) => alibaba::run_acs3(a),
        SignCommand::Roa(a) => alibaba::run_roa(a),
        SignCommand::Rpc(a) => alibaba::run_rpc(a),
        SignCommand::Huawei(a) => huawei::run(a),
    }
}
