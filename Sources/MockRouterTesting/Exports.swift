// A test that imports MockRouterTesting can build scenarios (`Scenario`, `ResponseStep`,
// `ScenarioStep`) and read request bodies (`JSONValue`) without further imports.
@_exported import CassetteFormat
@_exported import Playback
@_exported import Scenarios
