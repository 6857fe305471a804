//! The README's transform table matches the registry. `DFIX_BLESS=1` rewrites it.

use std::path::Path;

#[test]
fn readme_transform_table_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (begin, end) = ("<!-- begin:transforms -->\n", "<!-- end:transforms -->");
    let start = readme.find(begin).expect("README has the begin:transforms marker") + begin.len();
    let stop = readme.find(end).expect("README has the end:transforms marker");
    let expected = dfix::transforms::markdown_table();
    if std::env::var_os("DFIX_BLESS").is_some() {
        std::fs::write(&path, format!("{}{}{}", &readme[..start], expected, &readme[stop..])).unwrap();
        return;
    }
    assert_eq!(&readme[start..stop], expected, "README's transform table is stale; DFIX_BLESS=1 rewrites it");
}
