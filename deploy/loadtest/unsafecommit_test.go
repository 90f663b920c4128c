package main

import "testing"

func TestUnsafeCommitRequested(t *testing.T) {
	for _, c := range []struct {
		value   string
		want    bool
		wantErr bool
	}{{"", false, false}, {"0", false, false}, {"1", true, false}, {"yes", false, true}, {"true", false, true}} {
		got, err := unsafeCommitRequested(func(k string) string {
			if k != unsafeCommitEnv {
				t.Fatalf("read %s", k)
			}
			return c.value
		})
		if got != c.want || (err != nil) != c.wantErr {
			t.Errorf("%s=%q: got %v, %v; want %v, error %v", unsafeCommitEnv, c.value, got, err, c.want, c.wantErr)
		}
	}
}
