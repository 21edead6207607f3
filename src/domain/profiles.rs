//! The AWS profiles and regions `:profile` and `:region` offer, as plain data
//! (`aws::profiles` reads them from the AWS config files).

/// Commercial AWS regions, for completing `:region`.
pub const REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileInfo {
    pub name: String,
    pub region: Option<String>,
    pub kind: ProfileKind,
}

/// Where a profile's credentials come from, in aws-config's order of precedence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileKind {
    /// Assumes `role_arn` with the credentials of `source_profile` or `credential_source`.
    Role {
        role_arn: String,
        source_profile: Option<String>,
        credential_source: Option<String>,
    },
    /// Assumes `role_arn` with a web identity token file.
    WebIdentity {
        role_arn: String,
    },
    /// IAM Identity Center; `session` names an `[sso-session]` section (the newer form,
    /// which holds the start URL and SSO region).
    Sso {
        session: Option<String>,
        start_url: Option<String>,
        sso_region: Option<String>,
        account_id: Option<String>,
        role_name: Option<String>,
    },
    CredentialProcess,
    /// `aws_access_key_id` / `aws_secret_access_key`.
    Static,
    /// Nothing of its own (e.g. only a region).
    NoCredentials,
}

impl ProfileKind {
    /// A word for lists: `sso`, `role`, `keys`, …
    pub fn label(&self) -> &'static str {
        match self {
            ProfileKind::Role { .. } => "role",
            ProfileKind::WebIdentity { .. } => "web identity",
            ProfileKind::Sso { .. } => "sso",
            ProfileKind::CredentialProcess => "process",
            ProfileKind::Static => "keys",
            ProfileKind::NoCredentials => "no credentials",
        }
    }
}
