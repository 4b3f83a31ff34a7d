"""Files people send, kept by the bot: the file store (a folder, or an S3-compatible object
store), what a file's content is, the documents of each report, and the journal of files
being fetched."""
