package kubernetes

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// The memory figures of bench/README.md ("Performance"): the peak RSS caps of an
// import with 6 MB resumes and of a million-row dry run.
const (
	importPeakCap   = 48 << 20
	validatePeakCap = 64 << 20
	// The default --timeout of one attempt: requests in flight at SIGTERM
	// need that long to finish and be recorded.
	attemptTimeoutSeconds = 60
)

// decodeStrict reads a manifest into its API type, refusing unknown or
// duplicated fields, and checks its apiVersion and kind.
func decodeStrict(t *testing.T, file, apiVersion, kind string, into any) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := strictUnmarshal(b, apiVersion, kind, into); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

func strictUnmarshal(b []byte, apiVersion, kind string, into any) error {
	var tm metav1.TypeMeta
	if err := yaml.Unmarshal(b, &tm); err != nil {
		return fmt.Errorf("not YAML: %w", err)
	}
	if tm.APIVersion != apiVersion || tm.Kind != kind {
		return fmt.Errorf("is %s %s, want %s %s", tm.APIVersion, tm.Kind, apiVersion, kind)
	}
	if err := yaml.UnmarshalStrict(b, into); err != nil {
		return fmt.Errorf("strict decoding into %s: %w", kind, err)
	}
	return nil
}

// kustomization is the part of kustomize's Kustomization that these files
// use; decoding refuses any other field, so a field kustomize does not know
// (or that this test does not check) fails the test.
type kustomization struct {
	APIVersion         string          `json:"apiVersion"`
	Kind               string          `json:"kind"`
	Resources          []string        `json:"resources"`
	NameSuffix         string          `json:"nameSuffix"`
	Labels             []labelSet      `json:"labels"`
	ConfigMapGenerator []generator     `json:"configMapGenerator"`
	Images             []imageOverride `json:"images"`
	Patches            []struct {
		Path string `json:"path"`
	} `json:"patches"`
}

type labelSet struct {
	Pairs            map[string]string `json:"pairs"`
	IncludeSelectors bool              `json:"includeSelectors"`
}

type generator struct {
	Name     string   `json:"name"`
	Behavior string   `json:"behavior"`
	Files    []string `json:"files"`
}

type imageOverride struct {
	Name    string `json:"name"`
	NewName string `json:"newName"`
	NewTag  string `json:"newTag"`
}

func readKustomization(t *testing.T, dir string) kustomization {
	t.Helper()
	var k kustomization
	decodeStrict(t, filepath.Join(dir, "kustomization.yaml"), "kustomize.config.k8s.io/v1beta1", "Kustomization", &k)
	for _, r := range k.Resources {
		if _, err := os.Stat(filepath.Join(dir, r)); err != nil {
			t.Errorf("%s: resource %s: %v", dir, r, err)
		}
	}
	for _, g := range k.ConfigMapGenerator {
		for _, f := range g.Files {
			if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
				t.Errorf("%s: configMapGenerator %s: %v", dir, g.Name, err)
			}
		}
	}
	for _, p := range k.Patches {
		if _, err := os.Stat(filepath.Join(dir, p.Path)); err != nil {
			t.Errorf("%s: patch: %v", dir, err)
		}
	}
	return k
}

// base is the decoded base: the CronJob, the claim, the Secret's shape and
// the kustomization.
type base struct {
	job    batchv1.CronJob
	pvc    corev1.PersistentVolumeClaim
	secret corev1.Secret
	kust   kustomization
}

func loadBase(t *testing.T) base {
	t.Helper()
	var b base
	b.kust = readKustomization(t, "base")
	if !slices.Equal(b.kust.Resources, []string{"pvc.yaml", "cronjob.yaml"}) {
		t.Errorf("base resources = %v, want pvc.yaml and cronjob.yaml", b.kust.Resources)
	}
	decodeStrict(t, "base/cronjob.yaml", "batch/v1", "CronJob", &b.job)
	decodeStrict(t, "base/pvc.yaml", "v1", "PersistentVolumeClaim", &b.pvc)
	decodeStrict(t, "base/secret.example.yaml", "v1", "Secret", &b.secret)
	return b
}

func (b base) pod() corev1.PodSpec { return b.job.Spec.JobTemplate.Spec.Template.Spec }

func (b base) container(t *testing.T) corev1.Container {
	t.Helper()
	cs := b.pod().Containers
	if len(cs) != 1 {
		t.Fatalf("%d containers, want 1", len(cs))
	}
	return cs[0]
}

func (b base) volume(t *testing.T, name string) corev1.Volume {
	t.Helper()
	for _, v := range b.pod().Volumes {
		if v.Name == name {
			return v
		}
	}
	t.Fatalf("no volume %q", name)
	return corev1.Volume{}
}

// show prints an optional number of a manifest.
func show[T int32 | int64](p *T) string {
	if p == nil {
		return "unset"
	}
	return fmt.Sprint(*p)
}

// flagValue returns the value of --name in args, written either as
// --name=value or as --name value.
func flagValue(args []string, name string) (string, bool) {
	for i, a := range args {
		if v, ok := strings.CutPrefix(a, "--"+name+"="); ok {
			return v, true
		}
		if a == "--"+name && i+1 < len(args) {
			return args[i+1], true
		}
	}
	return "", false
}

// mountOf returns the volume mount under which file lies (the deepest).
func mountOf(c corev1.Container, file string) (corev1.VolumeMount, bool) {
	var best corev1.VolumeMount
	found := false
	for _, m := range c.VolumeMounts {
		if file == m.MountPath || strings.HasPrefix(file, strings.TrimSuffix(m.MountPath, "/")+"/") {
			if !found || len(m.MountPath) > len(best.MountPath) {
				best, found = m, true
			}
		}
	}
	return best, found
}

func TestCronJobNeverRunsTwiceAtOnce(t *testing.T) {
	b := loadBase(t)
	s := b.job.Spec
	if s.ConcurrencyPolicy != batchv1.ForbidConcurrent {
		t.Errorf("concurrencyPolicy = %q, want Forbid", s.ConcurrencyPolicy)
	}
	if s.StartingDeadlineSeconds == nil || *s.StartingDeadlineSeconds <= 0 {
		t.Error("startingDeadlineSeconds is not set: a late start could run in the working day")
	}
	if len(strings.Fields(s.Schedule)) != 5 {
		t.Errorf("schedule %q: want five cron fields", s.Schedule)
	}
	js := s.JobTemplate.Spec
	if js.BackoffLimit == nil || *js.BackoffLimit != 0 {
		t.Errorf("backoffLimit = %s, want 0: a retried pod may resend a row whose answer was lost", show(js.BackoffLimit))
	}
	if js.ActiveDeadlineSeconds == nil || *js.ActiveDeadlineSeconds <= 0 {
		t.Error("activeDeadlineSeconds is not set")
	}
	pod := b.pod()
	if pod.RestartPolicy != corev1.RestartPolicyNever {
		t.Errorf("restartPolicy = %q, want Never", pod.RestartPolicy)
	}
	if g := pod.TerminationGracePeriodSeconds; g == nil || *g <= attemptTimeoutSeconds {
		t.Errorf("terminationGracePeriodSeconds = %s, want more than --timeout (%ds)", show(g), attemptTimeoutSeconds)
	}
}

func TestCronJobRunsAsNonRootOnAReadOnlyRoot(t *testing.T) {
	b := loadBase(t)
	psc := b.pod().SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot {
		t.Fatal("pod securityContext.runAsNonRoot is not true")
	}
	if psc.RunAsUser == nil || *psc.RunAsUser == 0 {
		t.Errorf("runAsUser = %s, want a non-zero uid", show(psc.RunAsUser))
	}
	if psc.FSGroup == nil || *psc.FSGroup == 0 {
		t.Errorf("fsGroup = %s, want the job's group so the volume is writable", show(psc.FSGroup))
	}
	c := b.container(t)
	sc := c.SecurityContext
	if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		t.Error("container readOnlyRootFilesystem is not true")
	}
	if sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		t.Error("container allowPrivilegeEscalation is not false")
	}
	if sc == nil || sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") {
		t.Error("container does not drop ALL capabilities")
	}
	// With a read-only root, every file the run writes must be on a
	// writable mount: report, errors file, the ledger beside the report
	// (with its -wal, -shm and lock files), and the temporary folder.
	for _, flag := range []string{"report", "errors"} {
		f, ok := flagValue(c.Args, flag)
		if !ok {
			t.Errorf("--%s is not given: its default lies beside the input", flag)
			continue
		}
		m, ok := mountOf(c, f)
		if !ok || m.ReadOnly {
			t.Errorf("--%s %s is not on a writable mount", flag, f)
		}
	}
	if m, ok := mountOf(c, "/tmp/x"); !ok || m.ReadOnly {
		t.Error("/tmp is not a writable mount")
	}
}

func TestCronJobLogsJSON(t *testing.T) {
	b := loadBase(t)
	c := b.container(t)
	if len(c.Args) == 0 || c.Args[0] != "import" {
		t.Fatalf("args = %v, want the import command first", c.Args)
	}
	if v, ok := flagValue(c.Args, "log-format"); !ok || v != "json" {
		t.Errorf("args %v: want --log-format json", c.Args)
	}
	if len(c.Command) != 0 {
		t.Errorf("command = %v: leave the image's entrypoint", c.Command)
	}
}

func TestCredentialsAreFilesFromTheSecret(t *testing.T) {
	b := loadBase(t)
	c := b.container(t)
	for _, e := range c.Env {
		if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
			t.Errorf("env %s comes from a Secret: mount it as a file instead", e.Name)
		}
	}
	if len(c.EnvFrom) != 0 {
		t.Error("envFrom is set: credentials come from files")
	}
	v := b.volume(t, "credentials")
	if v.Secret == nil {
		t.Fatal("volume credentials is not a Secret")
	}
	if v.Secret.SecretName != b.secret.Name {
		t.Errorf("secretName = %q, want %q (secret.example.yaml)", v.Secret.SecretName, b.secret.Name)
	}
	if m := v.Secret.DefaultMode; m == nil || *m&0o007 != 0 {
		t.Errorf("defaultMode = %s (decimal): others must not read the credentials", show(m))
	}
	// Every key of the Secret is mounted and read through its flag, and
	// nothing else is mounted from it.
	flagOf := map[string]string{"api-key": "api-key-file", "api-secret": "api-secret-file"}
	var keys []string
	for k := range b.secret.StringData {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, []string{"api-key", "api-secret"}) {
		t.Errorf("Secret keys = %v, want api-key and api-secret", keys)
	}
	if len(v.Secret.Items) != len(keys) {
		t.Errorf("%d items mounted, want one per Secret key (%d)", len(v.Secret.Items), len(keys))
	}
	for _, item := range v.Secret.Items {
		flag, ok := flagOf[item.Key]
		if !ok {
			t.Errorf("mounted key %q is not read by any flag", item.Key)
			continue
		}
		if _, ok := b.secret.StringData[item.Key]; !ok {
			t.Errorf("mounted key %q is not in the Secret", item.Key)
		}
		file, ok := flagValue(c.Args, flag)
		if !ok {
			t.Errorf("--%s is not given", flag)
			continue
		}
		m, ok := mountOf(c, file)
		if !ok || m.Name != v.Name {
			t.Errorf("--%s %s is not under the credentials mount", flag, file)
			continue
		}
		if !m.ReadOnly {
			t.Error("the credentials mount is writable")
		}
		if want := path.Join(m.MountPath, item.Path); file != want {
			t.Errorf("--%s %s, but key %s is mounted at %s", flag, file, item.Key, want)
		}
	}
}

func TestDataIsOnTheClaim(t *testing.T) {
	b := loadBase(t)
	c := b.container(t)
	v := b.volume(t, "data")
	if v.PersistentVolumeClaim == nil {
		t.Fatal("volume data is not a PersistentVolumeClaim")
	}
	if v.PersistentVolumeClaim.ClaimName != b.pvc.Name {
		t.Errorf("claimName = %q, but pvc.yaml defines %q", v.PersistentVolumeClaim.ClaimName, b.pvc.Name)
	}
	if !slices.Contains(b.pvc.Spec.AccessModes, corev1.ReadWriteOnce) {
		t.Errorf("accessModes = %v, want ReadWriteOnce", b.pvc.Spec.AccessModes)
	}
	// The ledger lives beside the report: it must be on the claim, or the
	// next run would not know what this one sent.
	for _, flag := range []string{"report", "errors", "files-dir"} {
		f, _ := flagValue(c.Args, flag)
		if m, ok := mountOf(c, f); !ok || m.Name != v.Name {
			t.Errorf("--%s %q is not on the claim", flag, f)
		}
	}
	input := c.Args[len(c.Args)-1]
	if m, ok := mountOf(c, input); !ok || m.Name != v.Name {
		t.Errorf("input %q is not on the claim", input)
	}
	for _, m := range c.VolumeMounts {
		if m.SubPath != "" {
			t.Errorf("mount %s uses subPath: kubelet makes that folder as root, so the job could not write it", m.MountPath)
		}
	}
	// The mapping comes from the ConfigMap the kustomization generates.
	mapping, _ := flagValue(c.Args, "mapping")
	m, ok := mountOf(c, mapping)
	if !ok {
		t.Fatalf("--mapping %q is not mounted", mapping)
	}
	cm := b.volume(t, m.Name)
	if cm.ConfigMap == nil {
		t.Fatalf("--mapping is on volume %s, not a ConfigMap", m.Name)
	}
	if len(b.kust.ConfigMapGenerator) != 1 || b.kust.ConfigMapGenerator[0].Name != cm.ConfigMap.Name {
		t.Errorf("ConfigMap %q is not generated by the kustomization", cm.ConfigMap.Name)
	} else if files := b.kust.ConfigMapGenerator[0].Files; !slices.Contains(files, path.Base(mapping)) {
		t.Errorf("--mapping %s, but the generator makes %v", mapping, files)
	}
}

func TestResourcesMatchTheMeasuredMemory(t *testing.T) {
	b := loadBase(t)
	r := b.container(t).Resources
	req, lim := r.Requests[corev1.ResourceMemory], r.Limits[corev1.ResourceMemory]
	if req.Cmp(*resource.NewQuantity(importPeakCap, resource.BinarySI)) < 0 {
		t.Errorf("memory request %s is below an import's peak cap (48Mi)", req.String())
	}
	if lim.Cmp(*resource.NewQuantity(2*validatePeakCap, resource.BinarySI)) < 0 {
		t.Errorf("memory limit %s leaves less than twice a dry run's peak cap (64Mi)", lim.String())
	}
	if lim.Cmp(req) < 0 {
		t.Errorf("memory limit %s is below the request %s", lim.String(), req.String())
	}
	if _, ok := r.Requests[corev1.ResourceCPU]; !ok {
		t.Error("no cpu request")
	}
}

func TestOverlayIsASecondAccount(t *testing.T) {
	b := loadBase(t)
	dir := filepath.Join("overlays", "account-b")
	k := readKustomization(t, dir)
	if !slices.Contains(k.Resources, "../../base") {
		t.Errorf("overlay resources = %v, want ../../base", k.Resources)
	}
	if k.NameSuffix == "" {
		t.Error("no nameSuffix: the overlay's CronJob and claim would replace the first account's")
	}
	if len(k.ConfigMapGenerator) != 1 || k.ConfigMapGenerator[0].Name != b.kust.ConfigMapGenerator[0].Name ||
		k.ConfigMapGenerator[0].Behavior != "replace" {
		t.Errorf("overlay configMapGenerator = %+v, want the base's mapping replaced", k.ConfigMapGenerator)
	}
	if len(k.Patches) != 1 {
		t.Fatalf("%d patches, want 1", len(k.Patches))
	}
	var patch batchv1.CronJob
	decodeStrict(t, filepath.Join(dir, k.Patches[0].Path), "batch/v1", "CronJob", &patch)
	if patch.Name != b.job.Name {
		t.Errorf("patch targets CronJob %q, the base has %q", patch.Name, b.job.Name)
	}
	pv := patch.Spec.JobTemplate.Spec.Template.Spec.Volumes
	secretNamed := false
	for _, v := range pv {
		base := b.volume(t, v.Name) // a misspelt name would add a volume, not change one
		if v.Secret != nil {
			if base.Secret == nil {
				t.Errorf("patch makes volume %s a Secret", v.Name)
			}
			if v.Secret.SecretName == "" || v.Secret.SecretName == base.Secret.SecretName {
				t.Errorf("overlay Secret %q: want the second account's own", v.Secret.SecretName)
			}
			secretNamed = true
		}
	}
	if !secretNamed {
		t.Error("the overlay does not name its own Secret: nameSuffix does not rename one made by hand")
	}
	if patch.Spec.Schedule == b.job.Spec.Schedule {
		t.Errorf("both accounts start at %q; stagger them", patch.Spec.Schedule)
	}
}

// TestStrictDecodingRefusesMistakes shows that the decoding above is a real
// check: a misspelt or misplaced field fails.
func TestStrictDecodingRefusesMistakes(t *testing.T) {
	good, err := os.ReadFile("base/cronjob.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, old, new string
	}{
		{"misspelt field", "concurrencyPolicy:", "concurencyPolicy:"},
		{"duplicate field", "  concurrencyPolicy: Forbid", "  concurrencyPolicy: Forbid\n  concurrencyPolicy: Allow"},
		{"wrong type", "backoffLimit: 0", "backoffLimit: none"},
		{"wrong kind", "kind: CronJob", "kind: Job"},
		{"bad quantity", "memory: 128Mi", "memory: 128 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := strings.Replace(string(good), tt.old, tt.new, 1)
			if bad == string(good) {
				t.Fatalf("%q is not in cronjob.yaml", tt.old)
			}
			var job batchv1.CronJob
			if err := strictUnmarshal([]byte(bad), "batch/v1", "CronJob", &job); err == nil {
				t.Error("decoded without error")
			}
		})
	}
	var job batchv1.CronJob
	if err := strictUnmarshal(good, "batch/v1", "CronJob", &job); err != nil {
		t.Fatal(err)
	}
}
