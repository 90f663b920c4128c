package skillcert

import (
	"testing"
)

func testPermutation(t *testing.T, key string) SerialPermutation {
	t.Helper()
	p, err := NewSerialPermutation([]byte(key))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSerialPermutationIsBijection walks every sequence number of one site, year and level: each serial is
// in 1–999999, no two sequence numbers share one, and Sequence inverts Serial.
func TestSerialPermutationIsBijection(t *testing.T) {
	p := testPermutation(t, "a test key of sixteen bytes or more")
	seen := make([]bool, MaxCertificateSerial+1)
	step := 1
	if testing.Short() {
		step = 97 // a spread sample; the full walk runs without -short
	}
	for n := 1; n <= MaxCertificateSerial; n += step {
		s, err := p.Serial("000001", 2026, Level2, n)
		if err != nil {
			t.Fatalf("Serial(%d): %v", n, err)
		}
		if s < 1 || s > MaxCertificateSerial {
			t.Fatalf("Serial(%d) = %d, outside 1–999999", n, s)
		}
		if seen[s] {
			t.Fatalf("Serial(%d) = %d was already given to an earlier sequence number", n, s)
		}
		seen[s] = true
		if n%11 == 1 {
			if back, err := p.Sequence("000001", 2026, Level2, s); err != nil || back != n {
				t.Fatalf("Sequence(Serial(%d)=%d) = %d, %v", n, s, back, err)
			}
		}
	}
}

// TestSerialPermutationHidesCount: consecutive certificates do not get consecutive serials, the key and the
// tweak (site, year, level) change the permutation, and out-of-range input is refused.
func TestSerialPermutationHidesCount(t *testing.T) {
	p := testPermutation(t, "a test key of sixteen bytes or more")
	q := testPermutation(t, "another key of sixteen bytes or more")
	first := make([]int, 0, 20)
	ascending, sameAsQ, sameOtherSite := 0, 0, 0
	for n := 1; n <= 20; n++ {
		s, _ := p.Serial("000001", 2026, Level3, n)
		if s == n {
			t.Errorf("Serial(%d) = %d: the serial reveals the count", n, s)
		}
		if len(first) > 0 && s > first[len(first)-1] {
			ascending++
		}
		first = append(first, s)
		if sq, _ := q.Serial("000001", 2026, Level3, n); sq == s {
			sameAsQ++
		}
		if so, _ := p.Serial("000002", 2026, Level3, n); so == s {
			sameOtherSite++
		}
	}
	if ascending == 19 {
		t.Errorf("serials of 20 consecutive certificates are ascending: %v", first)
	}
	if sameAsQ > 1 || sameOtherSite > 1 {
		t.Errorf("another key (%d) or site (%d) gave the same serials", sameAsQ, sameOtherSite)
	}
	for _, n := range []int{0, -1, MaxCertificateSerial + 1} {
		if _, err := p.Serial("000001", 2026, Level3, n); err == nil {
			t.Errorf("Serial(%d) accepted", n)
		}
	}
	if _, err := NewSerialPermutation([]byte("short")); err == nil {
		t.Error("a 5-byte key was accepted")
	}
}
