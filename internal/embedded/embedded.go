// Package embedded lets the operating system take back the memory pages of
// data compiled into the binary (go:embed) once the process has decoded it.
//
// Reading an embedded blob maps its pages from the executable, and they stay
// counted in the process's resident memory for as long as it runs, though
// nothing reads them again: the analyser's dictionary is decoded into the
// heap once.
// The pages are file-backed and never written, so dropping them loses
// nothing; a later read would fault them back in from the file.
package embedded
