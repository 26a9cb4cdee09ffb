package cfn

import (
	"math/big"
	"net/netip"
	"strconv"
	"strings"
)

const cidrArity = "Template error: every Fn::Cidr object requires three parameters, (1) an IP address block in CIDR notation, (2) the count of subnets to generate and (3) the number of subnet bits"

// fnCidr returns count consecutive subnets of ipBlock, each with cidrBits
// host bits (so a /24 for 8 bits of IPv4), as CloudFormation's Fn::Cidr does.
func (e *evaluator) fnCidr(path []string, arg any) (any, error) {
	a, ok := arg.([]any)
	if !ok || len(a) != 3 {
		return nil, e.p.t.Errorf(path, cidrArity)
	}
	var s [3]string
	for i := range a {
		v, err := e.evalString(childPath(path, itoa(i)), a[i], cidrArity)
		if err != nil {
			return nil, err
		}
		s[i] = strings.TrimSpace(v)
	}
	subnets, msg := cidrSubnets(s[0], s[1], s[2])
	if msg != "" {
		return nil, e.p.t.Errorf(path, "Template error: Fn::Cidr %s", msg)
	}
	return subnets, nil
}

func cidrSubnets(block, countS, bitsS string) ([]any, string) {
	pfx, err := netip.ParsePrefix(block)
	if err != nil {
		return nil, "requires a valid IP address block in CIDR notation; got " + block
	}
	pfx = pfx.Masked()
	total := pfx.Addr().BitLen()
	count, err := strconv.Atoi(countS)
	if err != nil || count < 1 || count > 256 {
		return nil, "count must be an integer between 1 and 256; got " + countS
	}
	bits, err := strconv.Atoi(bitsS)
	if err != nil || bits < 1 || bits > total {
		return nil, "cidrBits must be an integer between 1 and " + strconv.Itoa(total) + "; got " + bitsS
	}
	newLen := total - bits
	if newLen < pfx.Bits() {
		return nil, "cidrBits " + bitsS + " is too large for " + block
	}
	avail := new(big.Int).Lsh(big.NewInt(1), uint(newLen-pfx.Bits()))
	if avail.Cmp(big.NewInt(int64(count))) < 0 {
		return nil, "cannot fit " + countS + " subnets of /" + strconv.Itoa(newLen) + " in " + block
	}
	base := new(big.Int).SetBytes(pfx.Addr().AsSlice())
	step := new(big.Int).Lsh(big.NewInt(1), uint(bits))
	out := make([]any, count)
	for i := range out {
		out[i] = netip.PrefixFrom(addrFromInt(base, total), newLen).String()
		base.Add(base, step)
	}
	return out, ""
}

func addrFromInt(n *big.Int, bitLen int) netip.Addr {
	buf := make([]byte, bitLen/8)
	n.FillBytes(buf)
	a, _ := netip.AddrFromSlice(buf)
	return a
}
