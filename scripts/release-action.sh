#!/usr/bin/env bash
# Releases the GitHub Action (docs/github-action.md): builds action/index.mjs from the current commit, commits it
# on a detached commit above it (main never holds the bundle), tags that commit vX.Y.Z and moves the major tag
# (v1) to it. Pushes only with --push; otherwise prints the push commands.
#
#   scripts/release-action.sh vX.Y.Z [--push]
set -euo pipefail

version="${1:-}"
push="${2:-}"
if [[ ! "$version" =~ ^v([0-9]+)\.[0-9]+\.[0-9]+$ ]]; then
  echo "usage: scripts/release-action.sh vX.Y.Z [--push]" >&2
  exit 64
fi
major="v${BASH_REMATCH[1]}"
cd "$(git rev-parse --show-toplevel)"

if [[ -n "$(git status --porcelain)" ]]; then
  echo "release-action: the working tree has changes: commit or stash them first" >&2
  exit 1
fi
if git rev-parse -q --verify "refs/tags/$version" >/dev/null; then
  echo "release-action: tag $version exists already" >&2
  exit 1
fi

start="$(git symbolic-ref -q --short HEAD || git rev-parse HEAD)"
source_commit="$(git rev-parse --short HEAD)"
# The bundle is tested before it is committed: the action's tests build it and run it as the runner does.
npx vitest run test/action
git switch --quiet --detach HEAD
trap 'git switch --quiet "$start"' EXIT
node scripts/build-action.mjs
git add --force action/index.mjs
git commit --quiet -m "release $version: the GitHub Action's bundle (action/index.mjs) built from $source_commit" -- action/index.mjs
git tag -a "$version" -m "policy-trim $version"
git tag -f -a "$major" -m "policy-trim $major (= $version)" >/dev/null
echo "tagged $version and $major at $(git rev-parse --short HEAD) (bundle of $source_commit)"

if [[ "$push" == "--push" ]]; then
  git push origin "refs/tags/$version"
  git push --force origin "refs/tags/$major"
else
  echo "push with: git push origin refs/tags/$version && git push --force origin refs/tags/$major"
fi
