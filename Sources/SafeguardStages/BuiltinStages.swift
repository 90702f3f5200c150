import SafeguardCore

/// The stages that ship with safeguard, by the name a definition's `uses:` gives.
public enum BuiltinStages {
  public static var registry: StageRegistry {
    var registry = StageRegistry()
    registry.register(ExportCSV.name, summary: ExportCSV.summary) { ExportCSV(spec: $0, diagnostics: &$1) }
    registry.register(Deduplicate.name, summary: Deduplicate.summary) {
      Deduplicate(spec: $0, diagnostics: &$1)
    }
    registry.register(Deidentify.name, summary: Deidentify.summary) { Deidentify(spec: $0, diagnostics: &$1) }
    registry.register(Overlay.name, summary: Overlay.summary) { Overlay(spec: $0, diagnostics: &$1) }
    registry.register(HotspotStage.name, summary: HotspotStage.summary) {
      HotspotStage(spec: $0, diagnostics: &$1)
    }
    registry.register(Disclose.name, summary: Disclose.summary) { Disclose(spec: $0, diagnostics: &$1) }
    registry.register(KAnonymise.name, summary: KAnonymise.summary) { KAnonymise(spec: $0, diagnostics: &$1) }
    registry.register(ExportGeoJSON.name, summary: ExportGeoJSON.summary) {
      ExportGeoJSON(spec: $0, diagnostics: &$1)
    }
    registry.register(ReportStage.name, summary: ReportStage.summary) {
      ReportStage(spec: $0, diagnostics: &$1)
    }
    registry.register(CINMeasures.name, summary: CINMeasures.summary) {
      CINMeasures(spec: $0, diagnostics: &$1)
    }
    return registry
  }
}
