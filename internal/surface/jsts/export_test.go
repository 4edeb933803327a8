package jsts

// GenBundle and BundleSource give the external benchmark the generated
// bundle of bench_test.go.
var GenBundle, BundleSource = genBundle, bundleSource
