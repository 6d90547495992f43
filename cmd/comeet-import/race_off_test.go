//go:build !race

package main

// raceBuild says the tests run with the race detector, so the binary they
// build reuses the race-enabled packages already compiled for them.
const raceBuild = false
