//! AWS console links (`B`, and `console_url` in `--once --output json`): the page a person
//! would open for a cluster, service, task, task-definition revision or log stream.
//!
//! The forms are those the console itself uses (ECS console v2, CloudWatch Logs'
//! `logsV2` hash routes), as e1s and the AWS blogs build them:
//! - `https://REGION.console.aws.amazon.com/ecs/v2/clusters/C/services?region=REGION`
//! - `…/ecs/v2/clusters/C/services/S/health?region=REGION`
//! - `…/ecs/v2/clusters/C/tasks/ID/configuration?region=REGION`
//! - `…/ecs/v2/task-definitions/FAMILY/REVISION/containers?region=REGION`
//! - `…/cloudwatch/home?region=REGION#logsV2:log-groups/log-group/G/log-events/S`, where
//!   G and S are percent-encoded twice with `%` then written as `$` (`/` is `$252F`):
//!   the console reads its hash route through two rounds of decoding.
//!
//! The partition picks the host: `console.amazonaws.cn` for aws-cn,
//! `console.amazonaws-us-gov.com` for aws-us-gov. Partitions without a public console
//! (aws-iso…) get no link. Region and partition come from the resource's ARN, so a link
//! is the real console's even when toadtop talks to a custom endpoint; it holds names
//! and ids only, never credentials.

/// An AWS partition that has a public console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Partition {
    Aws,
    China,
    GovCloud,
}

impl Partition {
    /// The partition named in an ARN (`aws`, `aws-cn`, `aws-us-gov`).
    pub fn parse(name: &str) -> Option<Partition> {
        match name {
            "aws" => Some(Partition::Aws),
            "aws-cn" => Some(Partition::China),
            "aws-us-gov" => Some(Partition::GovCloud),
            _ => None,
        }
    }

    /// The partition a region belongs to (`cn-north-1`, `us-gov-west-1`, else aws).
    pub fn of_region(region: &str) -> Partition {
        if region.starts_with("cn-") {
            Partition::China
        } else if region.starts_with("us-gov-") {
            Partition::GovCloud
        } else {
            Partition::Aws
        }
    }

    fn console_host(self) -> &'static str {
        match self {
            Partition::Aws => "console.aws.amazon.com",
            Partition::China => "console.amazonaws.cn",
            Partition::GovCloud => "console.amazonaws-us-gov.com",
        }
    }
}

/// Where a resource lives: the partition's console host and the region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    partition: Partition,
    region: String,
}

impl Place {
    /// From an ARN (`arn:PARTITION:SERVICE:REGION:ACCOUNT:…`). `None` when it is no ARN,
    /// names no region, or its partition has no public console.
    pub fn of_arn(arn: &str) -> Option<Place> {
        let mut fields = arn.strip_prefix("arn:")?.split(':');
        let partition = Partition::parse(fields.next()?)?;
        let region = fields.nth(1)?;
        Place::new(partition, region)
    }

    /// A region on its own (the configured one): the partition from its name.
    pub fn of_region(region: &str) -> Option<Place> {
        Place::new(Partition::of_region(region), region)
    }

    /// The same partition in another region (a container's `awslogs-region`).
    pub fn in_region(&self, region: &str) -> Option<Place> {
        Place::new(self.partition, region)
    }

    /// `None` unless `region` looks like one: it becomes part of a host name.
    fn new(partition: Partition, region: &str) -> Option<Place> {
        let plausible = !region.is_empty()
            && region.len() <= 32
            && region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !region.starts_with('-')
            && !region.ends_with('-');
        plausible.then(|| Place {
            partition,
            region: region.to_string(),
        })
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    fn ecs(&self, path: &str) -> String {
        format!(
            "https://{r}.{host}/ecs/v2/{path}?region={r}",
            r = self.region,
            host = self.partition.console_host()
        )
    }

    fn logs(&self, route: &str) -> String {
        format!(
            "https://{r}.{host}/cloudwatch/home?region={r}#logsV2:{route}",
            r = self.region,
            host = self.partition.console_host()
        )
    }
}

/// A cluster's page (the console opens it on its services).
pub fn cluster(place: &Place, cluster: &str) -> String {
    place.ecs(&format!("clusters/{}/services", segment(cluster)))
}

/// A service's page, on its health tab (the console's default).
pub fn service(place: &Place, cluster: &str, service: &str) -> String {
    place.ecs(&format!(
        "clusters/{}/services/{}/health",
        segment(cluster),
        segment(service)
    ))
}

/// A task's page (its configuration tab, the console's default).
pub fn task(place: &Place, cluster: &str, task_id: &str) -> String {
    place.ecs(&format!(
        "clusters/{}/tasks/{}/configuration",
        segment(cluster),
        segment(task_id)
    ))
}

/// One revision of a task definition, on its containers tab.
pub fn task_definition(place: &Place, family: &str, revision: i32) -> String {
    place.ecs(&format!(
        "task-definitions/{}/{revision}/containers",
        segment(family)
    ))
}

/// A log group's page (its streams).
pub fn log_group(place: &Place, group: &str) -> String {
    place.logs(&format!("log-groups/log-group/{}", twice(group)))
}

/// One log stream's events.
pub fn log_stream(place: &Place, group: &str, stream: &str) -> String {
    place.logs(&format!(
        "log-groups/log-group/{}/log-events/{}",
        twice(group),
        twice(stream)
    ))
}

/// A task definition's page from its ARN (`…:task-definition/FAMILY:REVISION`).
pub fn task_definition_arn(arn: &str) -> Option<String> {
    let place = Place::of_arn(arn)?;
    let (family, revision) = super::family_and_revision(arn)?;
    Some(task_definition(&place, &family, revision))
}

impl super::Cluster {
    pub fn console_url(&self) -> Option<String> {
        Some(cluster(&Place::of_arn(&self.arn)?, &self.name))
    }
}

impl super::Service {
    pub fn console_url(&self) -> Option<String> {
        Some(service(
            &Place::of_arn(&self.arn)?,
            &self.cluster,
            &self.name,
        ))
    }
}

impl super::Task {
    /// The cluster's name comes from the task's `clusterArn` (a task ARN of the old
    /// format, `task/ID`, does not hold it).
    pub fn console_url(&self) -> Option<String> {
        let place = Place::of_arn(&self.arn)?;
        let cluster_name = super::arn_tail(&self.cluster_arn);
        if cluster_name.is_empty() || self.id.is_empty() {
            return None;
        }
        Some(task(&place, cluster_name, &self.id))
    }
}

/// Unreserved characters (RFC 3986) stay; every other byte becomes `%XX`.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One path segment of an ECS console URL. ECS names are letters, digits, `-` and `_`,
/// so this changes nothing for them; anything else cannot break out of its segment.
fn segment(text: &str) -> String {
    percent_encode(text)
}

/// The CloudWatch console's hash-route encoding: percent-encoded twice, then `%` as `$`
/// (`/aws/ecs` → `$252Faws$252Fecs`).
fn twice(text: &str) -> String {
    percent_encode(&percent_encode(text)).replace('%', "$")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us_east() -> Place {
        Place::of_region("us-east-1").unwrap()
    }

    #[test]
    fn ecs_pages_of_each_kind() {
        let p = us_east();
        assert_eq!(
            cluster(&p, "production"),
            "https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/production/services?region=us-east-1"
        );
        assert_eq!(
            service(&p, "production", "web"),
            "https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/production/services/web/health?region=us-east-1"
        );
        assert_eq!(
            task(&p, "production", "0a1b2c3d4e5f"),
            "https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/production/tasks/0a1b2c3d4e5f/configuration?region=us-east-1"
        );
        assert_eq!(
            task_definition(&p, "laravel-web", 7),
            "https://us-east-1.console.aws.amazon.com/ecs/v2/task-definitions/laravel-web/7/containers?region=us-east-1"
        );
    }

    #[test]
    fn log_routes_are_encoded_twice_with_dollars() {
        let p = Place::of_region("eu-west-1").unwrap();
        assert_eq!(
            log_group(&p, "/ecs/laravel-production"),
            "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Fecs$252Flaravel-production"
        );
        assert_eq!(
            log_stream(&p, "/ecs/laravel-production", "web/php/0a1b2c3d4e5f"),
            "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Fecs$252Flaravel-production/log-events/web$252Fphp$252F0a1b2c3d4e5f"
        );
        // The same bytes as the console writes for brackets, spaces and `#` (a stream
        // name from Lambda, say): each `%XX` encoded again as `%25XX`.
        assert_eq!(
            twice("2024/06/30/[39]a b#"),
            "2024$252F06$252F30$252F$255B39$255Da$2520b$2523"
        );
        assert_eq!(twice("ümlaut"), "$25C3$25BCmlaut");
    }

    #[test]
    fn partitions_get_their_own_hosts() {
        let cn = Place::of_arn("arn:aws-cn:ecs:cn-north-1:123456789012:cluster/prod").unwrap();
        assert_eq!(
            cluster(&cn, "prod"),
            "https://cn-north-1.console.amazonaws.cn/ecs/v2/clusters/prod/services?region=cn-north-1"
        );
        let gov =
            Place::of_arn("arn:aws-us-gov:ecs:us-gov-west-1:123456789012:cluster/prod").unwrap();
        assert_eq!(
            service(&gov, "prod", "web"),
            "https://us-gov-west-1.console.amazonaws-us-gov.com/ecs/v2/clusters/prod/services/web/health?region=us-gov-west-1"
        );
        assert_eq!(
            log_group(&gov, "/ecs/x"),
            "https://us-gov-west-1.console.amazonaws-us-gov.com/cloudwatch/home?region=us-gov-west-1#logsV2:log-groups/log-group/$252Fecs$252Fx"
        );
        // A region alone picks its partition.
        assert_eq!(
            Place::of_region("cn-northwest-1").map(|p| task(&p, "c", "t")),
            Some("https://cn-northwest-1.console.amazonaws.cn/ecs/v2/clusters/c/tasks/t/configuration?region=cn-northwest-1".into())
        );
        assert_eq!(
            Place::of_region("us-gov-east-1").map(|p| p.partition),
            Some(Partition::GovCloud)
        );
        // No public console: no link rather than a wrong one.
        assert_eq!(
            Place::of_arn("arn:aws-iso:ecs:us-iso-east-1:123456789012:cluster/prod"),
            None
        );
    }

    #[test]
    fn a_logs_region_keeps_the_partition() {
        let cn = Place::of_arn("arn:aws-cn:ecs:cn-north-1:1:cluster/p").unwrap();
        let other = cn.in_region("cn-northwest-1").unwrap();
        assert!(log_group(&other, "g").starts_with("https://cn-northwest-1.console.amazonaws.cn/"));
    }

    #[test]
    fn nothing_but_a_region_becomes_a_host() {
        for bad in [
            "",
            "us-east-1.evil.example",
            "us east",
            "US-EAST-1",
            "-x",
            "a/b",
            "x@y",
        ] {
            assert_eq!(Place::of_region(bad), None, "{bad:?}");
        }
        assert_eq!(Place::of_arn("not-an-arn"), None);
        assert_eq!(Place::of_arn("arn:aws:ecs"), None);
        // IAM ARNs have no region.
        assert_eq!(Place::of_arn("arn:aws:iam::123456789012:role/x"), None);
    }

    #[test]
    fn odd_names_stay_in_their_path_segment() {
        let url = service(&us_east(), "prod/../x", "web?region=eu#y");
        assert_eq!(
            url,
            "https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/prod%2F..%2Fx/services/web%3Fregion%3Deu%23y/health?region=us-east-1"
        );
    }

    #[test]
    fn from_the_domain_objects() {
        let detail = crate::fixtures::production();
        let web = &detail.services[1];
        assert_eq!(
            web.console_url().as_deref(),
            Some("https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/production/services/web/health?region=us-east-1")
        );
        let t = &web.tasks[0];
        assert_eq!(
            t.console_url(),
            Some(format!(
                "https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/production/tasks/{}/configuration?region=us-east-1",
                t.id
            ))
        );
        assert_eq!(
            task_definition_arn(&web.task_definition_arn).as_deref(),
            Some("https://us-east-1.console.aws.amazon.com/ecs/v2/task-definitions/laravel-web/2/containers?region=us-east-1")
        );
        assert_eq!(task_definition_arn("laravel-web:2"), None);
        let c = crate::domain::Cluster {
            name: "production".into(),
            arn: "arn:aws:ecs:eu-central-1:123456789012:cluster/production".into(),
            status: "ACTIVE".into(),
            active_services: 0,
            running_tasks: 0,
            pending_tasks: 0,
        };
        assert_eq!(
            c.console_url().as_deref(),
            Some("https://eu-central-1.console.aws.amazon.com/ecs/v2/clusters/production/services?region=eu-central-1")
        );
    }
}
