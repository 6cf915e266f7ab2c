package syncfolder

// syncDir does nothing on Windows, where a folder cannot be opened to be
// flushed; NTFS journals the rename.
func syncDir(string) {}
