package jsts

import "testing"

func TestSkelDebug(t *testing.T) {
	data := genBundle(5<<20, 40)
	r := scan(data)
	sk := mask(data, r)
	t.Logf("balanced %v bodies %d spans %d cands %d", r.balanced, len(r.cuts), len(r.spans), r.cands)
	if sk != nil {
		t.Logf("skeleton %d of %d", len(sk.src), len(data))
		t.Logf("%s", sk.src[len(sk.src)/2:len(sk.src)/2+1500])
	}
}
