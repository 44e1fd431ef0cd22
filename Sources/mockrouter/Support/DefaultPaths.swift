import Foundation

/// Where the bundled examples live: `NAME/` in the current folder, else beside the `Package.swift`
/// found by walking up from the executable (so `swift run mockrouter serve` works from anywhere
/// in the checkout, and so does `.build/release/mockrouter`).
enum DefaultPaths {
    static func bundled(_ name: String) -> String? {
        let manager = FileManager.default
        let local = (manager.currentDirectoryPath as NSString).appendingPathComponent(name)
        if isDirectory(local) { return name }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        while folder.path != "/" {
            if manager.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
                let candidate = folder.appendingPathComponent(name).path
                return isDirectory(candidate) ? candidate : nil
            }
            folder.deleteLastPathComponent()
        }
        return nil
    }

    private static func isDirectory(_ path: String) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
    }
}
