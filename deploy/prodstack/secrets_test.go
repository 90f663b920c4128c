package prodstack

import (
	"path/filepath"
	"slices"
	"testing"

	"skillcert/config"
)

// TestSecretsCoverProductionKeys: the profile runs the programs with SKILLCERT_ENV=production, so it must
// generate every key that either program refuses to start without (config.Vars marks them).
func TestSecretsCoverProductionKeys(t *testing.T) {
	secrets, err := loadSecrets(filepath.Join(t.TempDir(), "secrets.env"))
	if err != nil {
		t.Fatal(err)
	}
	env := func(name string) string { return secrets[name] }
	for _, p := range []config.Program{config.Gateway, config.Worker} {
		if err := config.CheckProduction(p, func(name string) string {
			if name == "SKILLCERT_ENV" {
				return config.Production
			}
			return env(name)
		}); err != nil {
			t.Errorf("the %s would not start on the production profile: %v", p, err)
		}
	}
	for _, v := range config.Vars {
		if v.Production && !slices.Contains(secretNames, v.Name) {
			t.Errorf("secretNames lacks %s", v.Name)
		}
	}
}
