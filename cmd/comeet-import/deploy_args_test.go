package main

import (
	"os"
	"path/filepath"
	"testing"

	"sigs.k8s.io/yaml"
)

// TestKubernetesCronJobArgs parses the arguments of the shipped CronJob
// (deploy/kubernetes) with the import command's own flags: a renamed or
// removed flag would make every nightly run exit 2. The manifests
// themselves are checked in deploy/kubernetes.
func TestKubernetesCronJobArgs(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "deploy", "kubernetes", "base", "cronjob.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var job struct {
		Spec struct {
			JobTemplate struct {
				Spec struct {
					Template struct {
						Spec struct {
							Containers []struct {
								Args []string `json:"args"`
							} `json:"containers"`
						} `json:"spec"`
					} `json:"template"`
				} `json:"spec"`
			} `json:"jobTemplate"`
		} `json:"spec"`
	}
	if err := yaml.Unmarshal(b, &job); err != nil {
		t.Fatal(err)
	}
	cs := job.Spec.JobTemplate.Spec.Template.Spec.Containers
	if len(cs) != 1 || len(cs[0].Args) < 2 {
		t.Fatalf("containers = %+v, want one with arguments", cs)
	}
	args := cs[0].Args
	root := newRootCmd()
	cmd, rest, err := root.Find(args)
	if err != nil || cmd.Name() != "import" {
		t.Fatalf("args %v: command %v, %v; want import", args, cmd.Name(), err)
	}
	if err := cmd.ParseFlags(rest); err != nil {
		t.Fatalf("args %v: %v", args, err)
	}
	if cmd.Flags().NArg() != 1 {
		t.Errorf("args %v: %d inputs, want 1", args, cmd.Flags().NArg())
	}
	for _, name := range []string{"api-key-file", "api-secret-file", "report", "errors", "log-format"} {
		if !cmd.Flags().Changed(name) {
			t.Errorf("--%s is not given", name)
		}
	}
}
