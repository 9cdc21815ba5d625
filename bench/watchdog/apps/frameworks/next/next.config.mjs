// Next's defaults (the bench's `next-unminified` case writes its own config, with
// experimental.serverMinification off).
export default {};
