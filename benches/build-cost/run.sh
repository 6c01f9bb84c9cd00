#!/usr/bin/env bash
# Build cost of generated bindings, measured as a user would see it.
#
# For each size asked for (seed, leads, crm, all) it writes a scratch
# workspace with two crates per size: `b24_<size>`, a bindings crate whose
# lib.rs holds one `bitrix_method!`/`bitrix_api!`, and `app_<size>`, a binary
# depending on it. Dependencies (`bitrix24` and everything below it) are
# built first; then, per size:
#
#   clean    `cargo build -p b24_<size>` after touching its lib.rs and
#            deleting its incremental cache: the bindings crate alone,
#            dependencies fresh (debug profile);
#   peak     the largest "Maximum resident set size" of that rustc
#            (`/usr/bin/time -v` around every rustc, via RUSTC_WRAPPER);
#   noop     `cargo build -p app_<size>` with nothing changed: must not
#            run rustc on the bindings crate (the macro is not re-run);
#   edit     `cargo build -p app_<size>` after a one-line edit of the app's
#            main.rs: only the app is rebuilt.
#
# Usage: benches/build-cost/run.sh [seed] [leads] [crm] [all]   (default: seed leads crm)
# Env:   B24_DOCS     the reference (default /work/shared/b24restdocs)
#        B24_REPO     the checkout whose runtime is measured (default: this one;
#                     a `git worktree` of another commit gives a before/after)
#        B24_BENCH_DIR scratch workspace and target dir (default /work/tgt-build-cost)
# `all` binds the whole api-reference: about 14 GB of rustc memory before
# the record rewrite; run it alone on the machine.
set -euo pipefail

repo="${B24_REPO:-$(cd "$(dirname "$0")/../.." && pwd)}"
docs="${B24_DOCS:-/work/shared/b24restdocs}"
scratch="${B24_BENCH_DIR:-/work/tgt-build-cost}"
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(seed leads crm)

ws="$scratch/ws"
export CARGO_TARGET_DIR="$scratch/target"
log="$scratch/rustc-rss.log"
mkdir -p "$ws"

# rustc under /usr/bin/time -v; one line per crate compiled: name, max RSS (KiB), seconds.
cat > "$scratch/rustc-wrapper.sh" <<WRAP
#!/usr/bin/env bash
name=-
prev=
for a in "\$@"; do [ "\$prev" = "--crate-name" ] && name="\$a"; prev="\$a"; done
out=\$(mktemp)
status=0
/usr/bin/time -v -o "\$out" "\$@" || status=\$?
rss=\$(awk -F': ' '/Maximum resident set size/ {print \$2}' "\$out")
wall=\$(awk -F': ' '/Elapsed \(wall clock\)/ {print \$2}' "\$out")
[ "\$name" != - ] && echo "\$name \$rss \$wall" >> "$log"
rm -f "\$out"
exit \$status
WRAP
chmod +x "$scratch/rustc-wrapper.sh"
export RUSTC_WRAPPER="$scratch/rustc-wrapper.sh"

binding() {
  case "$1" in
    seed) echo "::bitrix24::bitrix_method!(\"$repo/docs-input/api-reference/crm/leads/management-communication/crm-lead-contact-items-set.md\");" ;;
    leads) echo "::bitrix24::bitrix_api!(\"$docs/api-reference/crm/leads\");" ;;
    crm) echo "::bitrix24::bitrix_api!(\"$docs/api-reference/crm\");" ;;
    all) echo "::bitrix24::bitrix_api!(\"$docs/api-reference\");" ;;
    *) echo "unknown size $1 (seed, leads, crm, all)" >&2; exit 2 ;;
  esac
}

members=""
for size in "${sizes[@]}"; do
  members="$members \"b24_$size\", \"app_$size\","
  mkdir -p "$ws/b24_$size/src" "$ws/app_$size/src"
  cat > "$ws/b24_$size/Cargo.toml" <<TOML
[package]
name = "b24_$size"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
bitrix24 = { path = "$repo/runtime" }
TOML
  {
    echo "//! Bindings of \`$size\` (build-cost bench)."
    echo "#![allow(deprecated, missing_docs)]"
    binding "$size"
  } > "$ws/b24_$size/src/lib.rs"
  cat > "$ws/app_$size/Cargo.toml" <<TOML
[package]
name = "app_$size"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
b24_$size = { path = "../b24_$size" }
bitrix24 = { path = "$repo/runtime" }
TOML
  cat > "$ws/app_$size/src/main.rs" <<'RS'
fn main() {
    let edits = 0;
    println!("{edits}");
}
RS
done
cat > "$ws/Cargo.toml" <<TOML
[workspace]
resolver = "2"
members = [$members]

[profile.dev]
debug = "line-tables-only"

[profile.dev.package."*"]
debug = false
TOML
cp "$repo/Cargo.lock" "$ws/Cargo.lock" 2>/dev/null || true

cd "$ws"
echo "building dependencies..." >&2
cargo build -q -p bitrix24 2>&1 | tail -5 >&2

now() { date +%s.%N; }

printf '| bound | clean build | no-op rebuild | app rebuild after an edit | peak rustc memory |\n'
printf '|---|---|---|---|---|\n'
for size in "${sizes[@]}"; do
  : > "$log"
  touch "$ws/b24_$size/src/lib.rs"
  # A clean build has no incremental cache to reuse.
  rm -rf "$CARGO_TARGET_DIR"/debug/incremental/b24_"$size"-*
  t0=$(now); cargo build -q -p "b24_$size" 2>"$scratch/$size.err" || { cat "$scratch/$size.err" >&2; exit 1; }; t1=$(now)
  clean=$(echo "$t1 - $t0" | bc)
  peak=$(awk -v c="b24_$size" '$1 == c {print $2}' "$log" | sort -n | tail -1)
  cargo build -q -p "app_$size"
  : > "$log"
  t0=$(now); cargo build -q -p "app_$size"; t1=$(now)
  noop=$(printf '%.2f s' "$(echo "$t1 - $t0" | bc)")
  if grep -q "^b24_$size " "$log"; then noop="$noop (bindings REBUILT)"; fi
  sed -i "s/let edits = [0-9]*;/let edits = $RANDOM;/" "$ws/app_$size/src/main.rs"
  t0=$(now); cargo build -q -p "app_$size"; t1=$(now)
  edit=$(printf '%.2f s' "$(echo "$t1 - $t0" | bc)")
  if grep -q "^b24_$size " "$log"; then edit="$edit (bindings REBUILT)"; fi
  printf '| %s | %.1f s | %s | %s | %.2f GB |\n' "$size" "$clean" "$noop" "$edit" "$(echo "$peak / 1048576" | bc -l)"
done
