"""FaceReps domain: catalog, schedule rules and storage (nothing here knows about HTTP)."""
