// Package kubernetes holds no code: its test checks the manifests in base/
// and overlays/ (a CronJob per Comeet account, its volume, the Secret's
// shape and the kustomizations) by decoding them strictly into the
// Kubernetes API types and asserting what a job that must not double-send
// needs. No cluster is needed. See docs/nightly.md, "On Kubernetes".
package kubernetes
