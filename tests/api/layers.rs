//! The layers of `src/` point one way: no top-level module (a folder or a file) imports,
//! through `crate::…`, one that imports it, directly or through others. The README's
//! architecture section draws them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The top-level module of each `.rs` file below `dir`, and what it imports of the crate
/// (tests excluded: a test module may reach anywhere).
fn imports(dir: &Path, graph: &mut BTreeMap<String, BTreeSet<String>>, src: &Path) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            imports(&path, graph, src);
            continue;
        }
        if path.extension().is_none_or(|ext| ext != "rs") {
            continue;
        }
        let relative = path.strip_prefix(src).expect("a file below src/");
        let top = relative
            .components()
            .next()
            .and_then(|part| part.as_os_str().to_str())
            .map(|name| name.trim_end_matches(".rs").to_owned())
            .expect("a module name");
        let text = std::fs::read_to_string(&path).expect("a readable source file");
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let targets = graph.entry(top.clone()).or_default();
        for (at, _) in code.match_indices("crate::") {
            let name: String = code[at + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let is_module = src.join(&name).is_dir() || src.join(format!("{name}.rs")).is_file();
            if is_module && name != top {
                targets.insert(name);
            }
        }
    }
}

/// A path of imports from `from` back to `to`, if there is one.
fn path_to(
    graph: &BTreeMap<String, BTreeSet<String>>,
    from: &str,
    to: &str,
    seen: &mut BTreeSet<String>,
) -> Option<Vec<String>> {
    if from == to {
        return Some(vec![to.to_owned()]);
    }
    if !seen.insert(from.to_owned()) {
        return None;
    }
    for next in graph.get(from).into_iter().flatten() {
        if let Some(mut rest) = path_to(graph, next, to, seen) {
            rest.insert(0, from.to_owned());
            return Some(rest);
        }
    }
    None
}

#[test]
fn no_module_imports_one_that_imports_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph = BTreeMap::new();
    imports(&src, &mut graph, &src);
    assert!(graph.contains_key("articles") && graph.contains_key("auth"));
    for (module, targets) in &graph {
        for target in targets {
            if let Some(back) = path_to(&graph, target, module, &mut BTreeSet::new()) {
                panic!(
                    "{module} imports {target}, which leads back: {}",
                    back.join(" -> ")
                );
            }
        }
    }
}
