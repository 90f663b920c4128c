package skillcert

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
)

// Certificate serials do not count the certificates issued. The n-th certificate of a site, year and level
// gets the serial SerialPermutation.Serial(site, year, level, n): a keyed pseudo-random permutation of
// 1–999999, so consecutive issues get unrelated serials and a serial tells nothing of how many there are.
//
// The permutation is a balanced Feistel network over Z_1000 × Z_1000 (the six digits split in two halves
// of three), with SerialRounds rounds whose round function is HMAC-SHA256 under the secret key, tweaked by
// the site code, year, level and round number. The network permutes 0–999999; cycle walking (applying it
// again while the result is 999999) restricts it to 0–999998, which maps to serials 1–999999. Being a
// permutation, two sequence numbers never share a serial.

// MaxCertificateSerial is the largest serial (six digits, 000000 is not used).
const MaxCertificateSerial = 999999

// SerialRounds is the number of Feistel rounds of the serial permutation.
const SerialRounds = 8

const serialHalf = 1000 // each half of the six digits

// SerialPermutation is the keyed permutation of certificate serials. Its zero value is unusable; make one
// with NewSerialPermutation.
type SerialPermutation struct {
	key []byte
}

// NewSerialPermutation returns the permutation keyed by key (at least 16 bytes).
func NewSerialPermutation(key []byte) (SerialPermutation, error) {
	if len(key) < 16 {
		return SerialPermutation{}, fmt.Errorf("certificate serial key: need at least 16 bytes, got %d", len(key))
	}
	return SerialPermutation{key: append([]byte(nil), key...)}, nil
}

// Serial returns the serial (1–999999) of the n-th certificate (n from 1) of site, year and level.
func (p SerialPermutation) Serial(site string, year int, level Level, n int) (int, error) {
	if n < 1 || n > MaxCertificateSerial {
		return 0, FieldError(EINVALID, "certificate_number", fmt.Sprintf("证书序号已用尽（第%d张）", n))
	}
	f := p.roundFunc(site, year, level)
	x := n - 1
	for {
		x = feistel(f, x, false)
		if x < MaxCertificateSerial {
			return x + 1, nil
		}
	}
}

// Sequence is the inverse of Serial: which certificate (n from 1) of site, year and level got serial.
func (p SerialPermutation) Sequence(site string, year int, level Level, serial int) (int, error) {
	if serial < 1 || serial > MaxCertificateSerial {
		return 0, FieldError(EINVALID, "certificate_number", fmt.Sprintf("证书序号应在1至999999之间：%d", serial))
	}
	f := p.roundFunc(site, year, level)
	x := serial - 1
	for {
		x = feistel(f, x, true)
		if x < MaxCertificateSerial {
			return x + 1, nil
		}
	}
}

// roundFunc returns F(round, half) in 0–999 for one site, year and level.
func (p SerialPermutation) roundFunc(site string, year int, level Level) func(round, half int) int {
	mac := hmac.New(sha256.New, p.key)
	tweak := fmt.Sprintf("skillcert certificate serial v1|%s|%d|%d|", site, year, int(level))
	var buf [8]byte
	var sum []byte
	return func(round, half int) int {
		mac.Reset()
		mac.Write([]byte(tweak))
		binary.BigEndian.PutUint32(buf[:4], uint32(round))
		binary.BigEndian.PutUint32(buf[4:], uint32(half))
		mac.Write(buf[:])
		sum = mac.Sum(sum[:0])
		return int(binary.BigEndian.Uint64(sum[:8]) % serialHalf)
	}
}

// feistel applies the network (or its inverse) to x in 0–999999.
func feistel(f func(round, half int) int, x int, inverse bool) int {
	left, right := x/serialHalf, x%serialHalf
	if !inverse {
		for r := range SerialRounds {
			left, right = right, (left+f(r, right))%serialHalf
		}
	} else {
		for r := SerialRounds - 1; r >= 0; r-- {
			left, right = (right-f(r, left)+serialHalf)%serialHalf, left
		}
	}
	return left*serialHalf + right
}
