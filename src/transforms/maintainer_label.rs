use crate::fix::Applicability;
use crate::transforms::{Context, Proposals, Transform, TransformMeta, declare_transform};

declare_transform! {
    /// ## What it does
    /// TODO
    pub MaintainerLabel {
        id: "maintainer-label",
        summary: "TODO",
        applicability: Applicability::Safe,
        default_enabled: true,
        aliases: ["DL4000"],
        since: "0.1.0",
    }
}

impl Transform for MaintainerLabel {
    fn meta(&self) -> &'static TransformMeta {
        &Self::META
    }

    fn run(&self, _cx: &Context<'_>, _out: &mut Proposals) {}
}
