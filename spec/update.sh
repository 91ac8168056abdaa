#!/usr/bin/env bash
# Moves the SDK to another OpenAI OpenAPI document, in one step:
#
#   spec/update.sh <path to openapi.yaml> <upstream commit> [yyyy-MM-dd] [--sha256 <expected>] [--all-tests]
#
#   1. copies the file into the repository, to spec/openai-openapi/<date>/ (where the pin expects it), unless it is
#      there; commit it with the pin, so that a clone builds from it;
#   2. verifies it (reads as OpenAPI 3.1; with --sha256, has that hash) and records its SHA-256, the commit and the
#      date in spec/OpenApiSpec.props (openai-spec pin);
#   3. prints the API diff against the previous pin, with spec/openai-overlay.yaml applied to both, and saves it
#      as spec/diffs/<old date>..<new date>.txt (openai-spec diff);
#   4. rebuilds and runs the tests that depend on the spec (tests/Generated.OpenAI.Generator.Tests and
#      tests/Generated.OpenAI.Tests, which build the SDK), or the whole solution with --all-tests. Generator
#      snapshots are rewritten from the new spec (UPDATE_SNAPSHOTS=1): review them in the commit's diff.
#
# The date defaults to the name of the folder that holds the file when that is a date. On failure the pin stays
# moved so that the failure can be looked at; `git checkout spec/OpenApiSpec.props` puts it back.
set -euo pipefail

usage() { sed -n '2,4p' "$0" >&2; exit 2; }
[[ $# -ge 2 ]] || usage
spec=$1 commit=$2
shift 2
date="" expected="" all_tests=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --sha256) expected=${2:?--sha256 needs a value}; shift 2 ;;
    --all-tests) all_tests=1; shift ;;
    -*) echo "spec/update.sh: unknown option $1" >&2; usage ;;
    *) date=$1; shift ;;
  esac
done
[[ -f $spec ]] || { echo "spec/update.sh: error: '$spec' does not exist" >&2; exit 1; }
if [[ -z $date ]]; then
  date=$(basename "$(dirname "$(realpath "$spec")")")
fi
[[ $date =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || { echo "spec/update.sh: error: give the upstream date (yyyy-MM-dd); '$date' is not one" >&2; exit 2; }

repo=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$repo"
props=spec/OpenApiSpec.props
store=$repo/spec/openai-openapi
pinned() { sed -n "s:.*<OpenApiPinned$1>\(.*\)</OpenApiPinned$1>.*:\1:p" "$props"; }
old_date=$(pinned Date) old_file=$(pinned File) old_commit=$(pinned Commit)
old_spec=$store/$old_date/$old_file
new_spec=$store/$date/$(basename "$spec")
started=$(date +%s)

# 1. The file where the pin expects it, in the repository.
if [[ $(realpath "$spec") != "$new_spec" ]]; then
  if [[ -f $new_spec ]] && ! cmp -s "$spec" "$new_spec"; then
    echo "spec/update.sh: error: $new_spec exists and differs from $spec; move it away first" >&2; exit 1
  fi
  mkdir -p "$(dirname "$new_spec")"
  cp "$spec" "$new_spec"
  echo "spec/update.sh: copied $spec to $new_spec"
fi

# 2. The tool, then the pin.
dotnet build generator/Generated.OpenAI.SpecTool -c Release -v:q -nologo -clp:ErrorsOnly
tool=generator/Generated.OpenAI.SpecTool/bin/Release/net10.0/openai-spec.dll
dotnet "$tool" pin --props "$props" --spec "$new_spec" --commit "$commit" --date "$date" ${expected:+--sha256 "$expected"}

# 3. The diff against the previous pin, overlay applied to both sides.
diff_file=spec/diffs/$old_date..$date.txt
if [[ -f $old_spec && $old_spec != "$new_spec" ]]; then
  # Paths relative to the repository, so that the header reads the same on every machine.
  dotnet "$tool" diff --old "$(realpath --relative-to=. "$old_spec")" --new "$(realpath --relative-to=. "$new_spec")" \
    --overlay spec/openai-overlay.yaml --output "$diff_file" > /dev/null
  cat "$diff_file"
  echo "spec/update.sh: diff against $old_commit ($old_date) saved as $diff_file"
else
  echo "spec/update.sh: no previous spec at $old_spec to diff against"
fi

# 4. Rebuild and test.
build_started=$(date +%s)
if [[ $all_tests == 1 ]]; then
  UPDATE_SNAPSHOTS=1 dotnet test Generated.sln -v:q -nologo
else
  UPDATE_SNAPSHOTS=1 dotnet test tests/Generated.OpenAI.Generator.Tests -v:q -nologo
  dotnet test tests/Generated.OpenAI.Tests -v:q -nologo
fi
finished=$(date +%s)
git status --short -- tests/Generated.OpenAI.Generator.Tests/Snapshots | sed 's/^/spec\/update.sh: snapshot changed, review: /'
echo "spec/update.sh: pinned $commit ($date); rebuild and tests $((finished - build_started)) s, total $((finished - started)) s"
echo "spec/update.sh: commit $(realpath --relative-to=. "$new_spec") with $props (git add spec/)"
