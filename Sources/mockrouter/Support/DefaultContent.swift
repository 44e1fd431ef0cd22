import Foundation

/// Where `serve` takes the examples from when no flag names a path: a `NAME/` folder in the
/// current directory (so edits to a checkout's `cassettes/` and `scenarios/` show at once), else
/// the copies compiled into the binary (`BundledDefaults`), so the binary alone serves them.
enum DefaultContent {
    case folder(String)
    case bundled

    static func source(_ name: String) -> DefaultContent {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: name, isDirectory: &isDirectory)
        return exists && isDirectory.boolValue ? .folder(name) : .bundled
    }
}
