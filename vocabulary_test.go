package skillcert

import "testing"

func TestTaskStatus(t *testing.T) {
	for s, want := range map[TaskStatus][2]bool{TaskOpen: {true, true}, TaskClaimed: {true, true},
		TaskCompleted: {false, true}, TaskCancelled: {false, true}, "done": {false, false}, "": {false, false}} {
		if s.Active() != want[0] || s.Valid() != want[1] {
			t.Errorf("%q: active %v valid %v, want %v", s, s.Active(), s.Valid(), want)
		}
	}
}
