"""The routine catalog: device types, routines, programs and screening (types), the loaded whole (index),
read and checked from data/catalog/ (files), and one user's own routines merged in (own)."""
from model.catalog.files import load
from model.catalog.index import Catalog
from model.catalog.types import (AREAS, CADENCE_KINDS, CADENCE_LIMITS, Cadence, CatalogError, Choice, Device, Gate, INFERENCE, MAX_REPS, MAX_STEP_SECONDS, Note, OUTCOMES, OWN_PREFIX, Option, PHASE_LIMITS, Phase, Program, Question, Routine, SIDES, SOURCE_KINDS, Source, Step, own_device_id)



__all__ = ["AREAS", "CADENCE_KINDS", "CADENCE_LIMITS", "Cadence", "Catalog", "CatalogError", "Choice", "Device", "Gate", "INFERENCE", "MAX_REPS", "MAX_STEP_SECONDS", "Note", "OUTCOMES", "OWN_PREFIX", "Option", "PHASE_LIMITS", "Phase", "Program", "Question", "Routine", "SIDES", "SOURCE_KINDS", "Source", "Step", "load", "own_device_id"]
