//! Property tests of the deploy's image swap: for arbitrary task definitions, the register
//! input is the running revision with nothing changed but the images asked for.

use std::collections::BTreeMap;

use aws_sdk_ecs::primitives::DateTime;
use aws_sdk_ecs::types as ecs;
use proptest::collection::{btree_map, hash_map, vec};
use proptest::option::of;
use proptest::prelude::*;

use super::register_input;
use crate::aws::convert;
use crate::ops::deploy::plan::plan_swap;

/// Names from a small pool (so images target containers that exist, and names repeat),
/// or anything at all.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec!["php", "nginx", "worker", "x"]).prop_map(str::to_string),
        1 => any::<String>(),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9_./:@-]{0,24}",
        any::<String>(),
        Just(String::new()),
        Just("\u{1b}]52;c;SGFja2Vk\u{7}\u{202e}".to_string()),
    ]
}

fn pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    vec((text(), text()), 0..4)
}

/// A container definition with most of what ECS allows: resources, env, secrets, ports,
/// mounts, volumes-from, command, health check, logging, dependencies, labels, ulimits,
/// linux parameters and the odd flags.
fn container() -> impl Strategy<Value = ecs::ContainerDefinition> {
    let resources = (
        // ECS requires a name; a few without one check the copy does not trip on them.
        prop::option::weighted(0.9, name()),
        of(text()),
        any::<i32>(),
        of(any::<i32>()),
        of(any::<i32>()),
        of(any::<bool>()),
        of(any::<bool>()),
    );
    let env = (
        pairs(),
        pairs(),
        of(vec(text(), 0..3)),
        of(vec(text(), 0..3)),
    );
    let ports = vec(
        (any::<i32>(), of(any::<i32>()), any::<bool>(), of(text())),
        0..3,
    );
    let mounts = (
        vec((text(), text(), of(any::<bool>())), 0..3),
        vec((text(), of(any::<bool>())), 0..2),
    );
    let extra = (
        of(vec(text(), 1..3)),
        of((text(), hash_map(text(), text(), 0..3))),
        vec((text(), text()), 0..2),
        hash_map(text(), text(), 0..3),
        vec((text(), any::<i32>(), any::<i32>()), 0..2),
        of(any::<bool>()),
        (of(text()), of(text()), of(any::<i32>()), of(text())),
    );
    (resources, env, ports, mounts, extra).prop_map(
        |(
            (name, image, cpu, memory, reservation, essential, read_only),
            (environment, secrets, command, entry_point),
            ports,
            (mounts, volumes_from),
            (health, log, depends, labels, ulimits, init, (user, workdir, stop, hostname)),
        )| {
            let mut b = ecs::ContainerDefinition::builder()
                .set_name(name)
                .set_image(image)
                .cpu(cpu)
                .set_memory(memory)
                .set_memory_reservation(reservation)
                .set_essential(essential)
                .set_readonly_root_filesystem(read_only)
                .set_command(command)
                .set_entry_point(entry_point)
                .set_user(user)
                .set_working_directory(workdir)
                .set_stop_timeout(stop)
                .set_hostname(hostname)
                .set_docker_labels((!labels.is_empty()).then_some(labels))
                .set_linux_parameters(init.map(|i| {
                    ecs::LinuxParameters::builder()
                        .init_process_enabled(i)
                        .build()
                }));
            for (k, v) in environment {
                b = b.environment(ecs::KeyValuePair::builder().name(k).value(v).build());
            }
            for (k, v) in secrets {
                if let Ok(s) = ecs::Secret::builder().name(k).value_from(v).build() {
                    b = b.secrets(s);
                }
            }
            for (port, host, udp, pname) in ports {
                b = b.port_mappings(
                    ecs::PortMapping::builder()
                        .container_port(port)
                        .set_host_port(host)
                        .protocol(if udp {
                            ecs::TransportProtocol::Udp
                        } else {
                            ecs::TransportProtocol::Tcp
                        })
                        .set_name(pname)
                        .build(),
                );
            }
            for (volume, path, ro) in mounts {
                b = b.mount_points(
                    ecs::MountPoint::builder()
                        .source_volume(volume)
                        .container_path(path)
                        .set_read_only(ro)
                        .build(),
                );
            }
            for (source, ro) in volumes_from {
                b = b.volumes_from(
                    ecs::VolumeFrom::builder()
                        .source_container(source)
                        .set_read_only(ro)
                        .build(),
                );
            }
            if let Some(cmd) = health {
                b = b.set_health_check(
                    ecs::HealthCheck::builder()
                        .set_command(Some(cmd))
                        .interval(30)
                        .build()
                        .ok(),
                );
            }
            if let Some((driver, options)) = log {
                b = b.set_log_configuration(
                    ecs::LogConfiguration::builder()
                        .log_driver(ecs::LogDriver::from(driver.as_str()))
                        .set_options(Some(options))
                        .build()
                        .ok(),
                );
            }
            for (other, condition) in depends {
                if let Ok(d) = ecs::ContainerDependency::builder()
                    .container_name(other)
                    .condition(ecs::ContainerCondition::from(condition.as_str()))
                    .build()
                {
                    b = b.depends_on(d);
                }
            }
            for (uname, soft, hard) in ulimits {
                if let Ok(u) = ecs::Ulimit::builder()
                    .name(ecs::UlimitName::from(uname.as_str()))
                    .soft_limit(soft)
                    .hard_limit(hard)
                    .build()
                {
                    b = b.ulimits(u);
                }
            }
            b.build()
        },
    )
}

/// A revision as DescribeTaskDefinition returns it (read-only fields included) and its tags.
type Revision = (ecs::TaskDefinition, Vec<ecs::Tag>);

/// An arbitrary [`Revision`].
fn task_definition() -> impl Strategy<Value = Revision> {
    let ids = (
        of(text()),
        of(text()),
        any::<i32>(),
        of(text()),
        of(text()),
        of(text()),
        of(text()),
    );
    let shape = (
        vec(container(), 0..5),
        vec((text(), any::<bool>()), 0..4),
        of(text()),
        of(text()),
        vec(text(), 0..3),
        vec(text(), 0..2),
        of(any::<i32>()),
        of((text(), text())),
        of(any::<bool>()),
    );
    let rest = (
        of(text()),
        of(text()),
        of(text()),
        vec((text(), text()), 0..2),
        of(text()),
        of(any::<i64>()),
        pairs(),
    );
    (ids, shape, rest).prop_map(
        |(
            (arn, family, revision, status, task_role, exec_role, network),
            (containers, volumes, cpu, memory, compat, attrs, storage, platform, fault),
            (pid, ipc, proxy, constraints, registered_by, registered_at, tags),
        )| {
            let mut b = ecs::TaskDefinition::builder()
                .set_task_definition_arn(arn)
                .set_family(family)
                .revision(revision)
                .set_status(status.map(|s| ecs::TaskDefinitionStatus::from(s.as_str())))
                .set_task_role_arn(task_role)
                .set_execution_role_arn(exec_role)
                .set_network_mode(network.map(|n| ecs::NetworkMode::from(n.as_str())))
                .set_container_definitions(Some(containers))
                .set_cpu(cpu)
                .set_memory(memory)
                .set_ephemeral_storage(
                    storage.map(|g| ecs::EphemeralStorage::builder().size_in_gib(g).build()),
                )
                .set_runtime_platform(platform.map(|(cpu, os)| {
                    ecs::RuntimePlatform::builder()
                        .cpu_architecture(ecs::CpuArchitecture::from(cpu.as_str()))
                        .operating_system_family(ecs::OsFamily::from(os.as_str()))
                        .build()
                }))
                .set_enable_fault_injection(fault)
                .set_pid_mode(pid.map(|p| ecs::PidMode::from(p.as_str())))
                .set_ipc_mode(ipc.map(|i| ecs::IpcMode::from(i.as_str())))
                .set_proxy_configuration(proxy.and_then(|c| {
                    ecs::ProxyConfiguration::builder()
                        .container_name(c)
                        .build()
                        .ok()
                }))
                .set_registered_by(registered_by)
                .set_registered_at(registered_at.map(|s| DateTime::from_secs(s / 4)));
            for (v, host) in volumes {
                let mut volume = ecs::Volume::builder().name(v.clone());
                if host {
                    volume =
                        volume.host(ecs::HostVolumeProperties::builder().source_path(v).build());
                }
                b = b.volumes(volume.build());
            }
            for c in compat {
                b = b
                    .requires_compatibilities(ecs::Compatibility::from(c.as_str()))
                    .compatibilities(ecs::Compatibility::from(c.as_str()));
            }
            for a in attrs {
                if let Ok(attr) = ecs::Attribute::builder().name(a).build() {
                    b = b.requires_attributes(attr);
                }
            }
            for (t, e) in constraints {
                b = b.placement_constraints(
                    ecs::TaskDefinitionPlacementConstraint::builder()
                        .r#type(ecs::TaskDefinitionPlacementConstraintType::from(t.as_str()))
                        .expression(e)
                        .build(),
                );
            }
            let tags = tags
                .into_iter()
                .map(|(k, v)| ecs::Tag::builder().key(k).value(v).build())
                .collect();
            (b.build(), tags)
        },
    )
}

/// An image reference as an operator gives it: `repo:tag`, `:tag` (same repository), or
/// anything at all (which `plan_swap` must refuse or pass on intact).
fn image() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z0-9.-]{1,12}(/[a-z0-9-]{1,12})?(:[a-z0-9.]{1,8})?",
        1 => ":[a-z0-9.]{1,8}",
        1 => text(),
    ]
}

/// A task definition and the (container, image) pairs an operator asks for: mostly names
/// of its containers, sometimes names it does not have.
fn td_and_wanted() -> impl Strategy<Value = (Revision, Vec<(String, String)>)> {
    task_definition().prop_flat_map(|(td, tags)| {
        let names: Vec<String> = td
            .container_definitions()
            .iter()
            .filter_map(|c| c.name().map(str::to_string))
            .collect();
        let pick = if names.is_empty() {
            name().boxed()
        } else {
            prop_oneof![4 => prop::sample::select(names), 1 => name()].boxed()
        };
        (Just((td, tags)), vec((pick, image()), 0..3))
    })
}

/// `td`'s containers with the image of each one named in `images` replaced: what the
/// register input must hold.
fn expected_containers(
    td: &ecs::TaskDefinition,
    images: &BTreeMap<String, String>,
) -> Vec<ecs::ContainerDefinition> {
    td.container_definitions()
        .iter()
        .map(|c| match c.name().and_then(|n| images.get(n)) {
            Some(image) => {
                let mut c = c.clone();
                c.image = Some(image.clone());
                c
            }
            None => c.clone(),
        })
        .collect()
}

/// Every field of the register input other than the containers is `td`'s own.
fn assert_copied(
    input: &aws_sdk_ecs::operation::register_task_definition::RegisterTaskDefinitionInput,
    td: &ecs::TaskDefinition,
    tags: &[ecs::Tag],
) {
    assert_eq!(input.family(), td.family());
    assert_eq!(input.task_role_arn(), td.task_role_arn());
    assert_eq!(input.execution_role_arn(), td.execution_role_arn());
    assert_eq!(input.network_mode(), td.network_mode());
    assert_eq!(input.volumes(), td.volumes());
    assert_eq!(input.placement_constraints(), td.placement_constraints());
    assert_eq!(
        input.requires_compatibilities(),
        td.requires_compatibilities()
    );
    assert_eq!(input.cpu(), td.cpu());
    assert_eq!(input.memory(), td.memory());
    assert_eq!(input.tags(), tags);
    assert_eq!(input.tags.is_none(), tags.is_empty());
    assert_eq!(input.pid_mode(), td.pid_mode());
    assert_eq!(input.ipc_mode(), td.ipc_mode());
    assert_eq!(input.proxy_configuration(), td.proxy_configuration());
    assert_eq!(input.ephemeral_storage(), td.ephemeral_storage());
    assert_eq!(input.runtime_platform(), td.runtime_platform());
    assert_eq!(input.enable_fault_injection(), td.enable_fault_injection());
    // Retired by AWS and never on Fargate: deliberately not copied.
    #[allow(deprecated)]
    let accelerators = input.inference_accelerators();
    assert!(accelerators.is_empty());
}

proptest! {
    // Each case builds whole SDK task definitions: fewer than the parsers get.
    #![proptest_config(crate::testing::config(128))]

    /// The register input for any images map: only the named containers' images differ.
    #[test]
    fn props_register_input_changes_only_the_images_asked_for(
        (td, tags) in task_definition(),
        images in btree_map(name(), text(), 0..4),
    ) {
        let input = register_input(&td, &tags, &images).build().expect("input builds");
        let expected = expected_containers(&td, &images);
        prop_assert_eq!(input.container_definitions(), expected.as_slice());
        assert_copied(&input, &td, &tags);
    }

    /// The whole pure path of a deploy: what the operator asked for, checked by
    /// `plan_swap` against the revision as toadtop sees it, then the register input.
    #[test]
    fn props_planned_swap_registers_exactly_the_planned_images(
        ((td, tags), wanted) in td_and_wanted(),
    ) {
        let domain = convert::task_definition(&td);
        match plan_swap(&domain, &wanted) {
            Ok(changes) => {
                let images: BTreeMap<String, String> =
                    changes.iter().map(|c| (c.container.clone(), c.to.clone())).collect();
                prop_assert_eq!(images.len(), changes.len(), "one change per container");
                for c in &changes {
                    let now = domain.container(&c.container).expect("planned containers exist");
                    prop_assert_eq!(&now.image, &c.from);
                    prop_assert_ne!(&c.from, &c.to);
                    prop_assert!(!c.to.is_empty() && !c.to.chars().any(|ch| ch.is_whitespace() || ch.is_control()));
                }
                let input = register_input(&td, &tags, &images).build().expect("input builds");
                let before = td.container_definitions();
                let after = input.container_definitions();
                prop_assert_eq!(before.len(), after.len());
                for (old, new) in before.iter().zip(after) {
                    let planned = old.name().and_then(|n| images.get(n));
                    let mut unchanged_but_image = new.clone();
                    unchanged_but_image.image = old.image.clone();
                    prop_assert_eq!(&unchanged_but_image, old, "only the image may differ");
                    match planned {
                        Some(to) => prop_assert_eq!(new.image(), Some(to.as_str())),
                        None => prop_assert_eq!(new.image(), old.image()),
                    }
                }
                assert_copied(&input, &td, &tags);
            }
            Err(message) => prop_assert!(!message.is_empty()),
        }
    }
}

/// Top-level `field: None` entries of a `Debug` dump such as `Input { a: Some(..), b: None }`.
fn none_fields(debug: &str) -> Vec<String> {
    let Some(body) = debug.split_once('{').and_then(|(_, b)| b.strip_suffix('}')) else {
        return Vec::new();
    };
    let (mut depth, mut in_str, mut escaped) = (0i32, false, false);
    let mut fields = Vec::new();
    let mut current = String::new();
    for c in body.chars() {
        if in_str {
            current.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '{' | '[' | '(' => depth += 1,
            '}' | ']' | ')' => depth -= 1,
            ',' if depth == 0 => {
                fields.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    fields.push(current);
    fields
        .iter()
        .filter_map(|f| f.trim().strip_suffix(": None").map(str::to_string))
        .collect()
}

/// A revision with every field set leaves no register field empty except the retired
/// inferenceAccelerators: a field the SDK adds to both shapes later fails here instead of
/// being silently dropped from every deploy.
#[test]
fn every_register_field_is_copied_from_a_full_revision() {
    let c = ecs::ContainerDefinition::builder()
        .name("php")
        .image("app:v1")
        .build();
    let td = ecs::TaskDefinition::builder()
        .task_definition_arn("arn:aws:ecs:us-east-1:1:task-definition/web:2")
        .family("web")
        .revision(2)
        .task_role_arn("task")
        .execution_role_arn("exec")
        .network_mode(ecs::NetworkMode::Awsvpc)
        .container_definitions(c)
        .volumes(ecs::Volume::builder().name("tmp").build())
        .placement_constraints(
            ecs::TaskDefinitionPlacementConstraint::builder()
                .r#type(ecs::TaskDefinitionPlacementConstraintType::MemberOf)
                .expression("attribute:x == y")
                .build(),
        )
        .requires_compatibilities(ecs::Compatibility::Fargate)
        .cpu("1024")
        .memory("2048")
        .pid_mode(ecs::PidMode::Task)
        .ipc_mode(ecs::IpcMode::None)
        .proxy_configuration(
            ecs::ProxyConfiguration::builder()
                .container_name("envoy")
                .build()
                .expect("container name set"),
        )
        .inference_accelerators(
            #[allow(deprecated)]
            ecs::InferenceAccelerator::builder()
                .device_name("d")
                .device_type("t")
                .build()
                .expect("fields set"),
        )
        .ephemeral_storage(ecs::EphemeralStorage::builder().size_in_gib(30).build())
        .runtime_platform(
            ecs::RuntimePlatform::builder()
                .cpu_architecture(ecs::CpuArchitecture::X8664)
                .build(),
        )
        .enable_fault_injection(false)
        .build();
    let tags = vec![ecs::Tag::builder().key("app").value("laravel").build()];
    let images = BTreeMap::from([("php".to_string(), "app:v2".to_string())]);
    let input = register_input(&td, &tags, &images)
        .build()
        .expect("input builds");
    let debug = format!("{input:?}");
    assert_eq!(
        none_fields(&debug),
        vec!["inference_accelerators".to_string()],
        "{debug}"
    );
    assert_eq!(input.container_definitions()[0].image(), Some("app:v2"));
    assert_eq!(
        none_fields("X { a: None, b: Some(\"c: None, }\"), d: Some([1, 2]), e: None }"),
        vec!["a".to_string(), "e".to_string()]
    );
}
