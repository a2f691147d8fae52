"""An independent map of what every catalogue exercise loads, kept apart from the catalogue.

Why: a hold on a region ("nothing that loads the knee") removes exactly the exercises whose
`loads` (or `works`) name that region, and the safety checks in tests/clinical.py read the same
lists, so a region the catalogue forgets is invisible to the holds and to the tests alike (side
planks listed as sparing the lower back, a standing leg nobody wrote down). This map is the
second opinion: tests/contracts/test_load_map.py fails when the catalogue misses a region named here.

How it was written: from how each exercise is performed (its name, cues, dose, equipment and
note in rules/exercises.toml) and ordinary clinical reasoning, not from its `loads`. A region
counts as loaded when the exercise bears weight through it, contracts or tensions its muscles
or tendons against more than the weight of a limb, or holds it at end range (stretching a
swollen knee stresses it too). When in doubt a region IS loaded: a hold that removes one
exercise too many is safer than one that lets the painful region work. The principles:

- standing: the feet and shins (the tibia carries body weight); squatting deep also the calves
  and Achilles (the ankle bends under load) and the adductors (adductor magnus extends the hip);
- standing on one leg: also the standing knee, calf and Achilles, and the glutes (the hip
  abductors hold the pelvis level, about 2.5 times body weight through the hip);
- the IT band: single-leg loading with a bent knee (it presses on the femoral condyle at 20-30
  degrees), resisted hip abduction (tensor fasciae latae pulls on it) and hip adduction stretch;
- kneeling: the knees; on all fours also the upper body (hands, wrists, shoulders);
- planks and push-ups: the core, lower back, upper body (hands, forearms), the hip flexors and
  quadriceps that stop the hips and knees sagging, the glutes that set the pelvis, and the toes;
- side planks and Copenhagen planks: the lateral trunk (quadratus lumborum: the lower back),
  the elbow and shoulder, and the down-side hip abductors or up-side adductors;
- loaded squats, hinges, carries and trunk leans: the lower back; a weight in the hands: the
  upper body; a weight in one hand: the lateral trunk as in a suitcase carry;
- lifting a leg against gravity lying down: the hip flexors and, through the psoas that arises
  from the lumbar vertebrae, the lower back;
- bridges: the glutes and hamstrings, the lower back extensors, and the knee, shin and heel
  that carry the push into the floor.

`LOADS` maps every exercise id to its regions (the vocabulary in rules/facts.toml `[regions]`);
`LATERAL_TRUNK`, `SPINAL_FLEXION_OR_TWIST`, `SUPINE`, `PRONE`, `DEEP_KNEE_FLEXION` and `FALL_RISK`
name exercises with those traits, which the catalogue tags `lateral_trunk`, `spinal_flexion`,
`supine`, `prone`, `deep_knee` and `fall_risk`.
"""

from __future__ import annotations

_STAND = frozenset({"feet", "shins"})
_ONE_LEG = _STAND | {"knees", "calves", "achilles", "glutes"}
_SQUAT = _STAND | {"quadriceps", "glutes", "adductors", "knees", "calves", "achilles"}
_ALL_FOURS = frozenset({"knees", "upper_body"})
_PLANK = frozenset({"core", "lower_back", "upper_body", "hip_flexors", "quadriceps", "glutes", "feet"})
_BRIDGE = frozenset({"glutes", "hamstrings", "lower_back", "knees", "feet", "shins"})
_CALF_RAISE = _STAND | {"calves", "achilles", "knees"}  # gastrocnemius crosses the knee
_SUITCASE = frozenset({"upper_body", "core", "lower_back"})  # a weight held in one hand

LOADS: dict[str, frozenset[str]] = {
    # ------------------------------------------------------------ core
    # legs held up by the hip flexors; lumbar rotation; arms pressed wide anchor the shoulders
    "windshield-washer": frozenset({"core", "lower_back", "hip_flexors", "upper_body"}),
    # repeated flexion and twist of the lumbar spine; hands behind the head hold the neck up
    "bicycle-crunch": frozenset({"core", "hip_flexors", "lower_back", "upper_body"}),
    "plank": _PLANK,
    # elbow and feet carry the body; down-side abductors (and IT band) lift the hips
    # the straight bottom leg carries the body sideways: the knee takes a side-bending load
    "side-plank": frozenset(
        {"core", "lower_back", "upper_body", "glutes", "adductors", "it_band", "feet", "knees"}
    ),
    # as the side plank, but the down-side knee carries the legs
    "side-plank-knees": frozenset({"core", "lower_back", "upper_body", "glutes", "it_band", "knees"}),
    "plank-walk-up": _PLANK,
    # the psoas pulls on the lumbar spine as the leg is lowered
    "dead-bug": frozenset({"core", "hip_flexors", "lower_back"}),
    "dead-bug-arms": frozenset({"core", "lower_back", "upper_body"}),  # the arms move, the feet rest
    # standing; arms press against the band; a side pull at chest height bends the trunk sideways too
    "pallof-press": _STAND | {"core", "lower_back", "upper_body"},
    # diagonal lift with a pivot on the back foot (its calf): the hips rotate in a partial squat,
    # too shallow for the adductors; the arms pull the band
    "wood-chop": _SQUAT - {"adductors"} | {"core", "lower_back", "upper_body", "hip_rotators"},
    # hip flexors hold the lean-back; a weight in the hands as it progresses
    "russian-twist": frozenset({"core", "lower_back", "hip_flexors", "upper_body"}),
    # ------------------------------------------------------------ quadriceps
    # a dumbbell held at the chest: upper body, and the front load needs bracing
    "squat": _SQUAT | {"lower_back", "core", "upper_body"},
    # the trunk leans forward over the hips: the back extensors hold it
    "bodyweight-squat": _SQUAT | {"lower_back"},
    # back on the wall, shins vertical, weight on the heels: no ankle or trunk load to speak of
    "wall-sit": _STAND | {"quadriceps", "knees"},
    # front leg brakes the step (hamstrings, adductor magnus); trailing hip flexors lengthen under load
    "lunge": _ONE_LEG | {"quadriceps", "hamstrings", "adductors", "hip_flexors", "it_band"},
    # back leg's hip flexors lengthen under load; upright, straight down: little hamstring
    "split-squat": _ONE_LEG | {"quadriceps", "adductors", "hip_flexors", "it_band"},
    # driving up from a knee-high step extends a deeply bent hip
    "step-up": _ONE_LEG | {"quadriceps", "hamstrings", "adductors", "it_band"},
    # shallow single-leg squat, knee kept over the second toe
    "eccentric-step-down": _ONE_LEG | {"quadriceps", "it_band"},
    # deep single-leg squat with the chest forward: a hinge as well
    "skater-squat": _ONE_LEG | {"quadriceps", "hamstrings", "adductors", "lower_back", "it_band"},
    # ------------------------------------------------------------ hamstrings and hinges
    # standing hip's rotators keep the hips square; anti-rotation; dumbbell in the hand
    "single-leg-deadlift": _ONE_LEG
    | {"hamstrings", "adductors", "lower_back", "core", "upper_body", "hip_rotators", "it_band"},
    "single-leg-deadlift-bodyweight": _ONE_LEG
    | {"hamstrings", "adductors", "lower_back", "core", "hip_rotators", "it_band"},
    # dumbbells in the hands (grip, upper back); shins near vertical so little ankle load
    "romanian-deadlift": _STAND
    | {"hamstrings", "glutes", "adductors", "lower_back", "core", "upper_body", "knees"},
    # one foot carries the hips and the dumbbell; pelvis held level against rotation
    "single-leg-bridge-dumbbell": _BRIDGE | {"core"},
    # the bell pulls on the grip and shoulders at the top of each swing
    "kettlebell-swing": _STAND
    | {"hamstrings", "glutes", "adductors", "lower_back", "core", "upper_body", "knees"},
    # kneeling with the heels hooked under a sofa (pressure on the Achilles), body held straight,
    # the hands catch the fall and push back
    "nordic-curl": frozenset({"hamstrings", "knees", "glutes", "core", "upper_body", "achilles"}),
    # held bridge on the heels; gastrocnemius helps bend the knee
    "hamstring-curl-towel": _BRIDGE | {"calves"},
    # ------------------------------------------------------------ glutes
    "glute-bridge": _BRIDGE,
    "bridge": _BRIDGE,
    "glute-bridge-dumbbell": _BRIDGE,
    # rear foot on the bench stretches the back leg's hip flexors; trunk leans forward
    "bulgarian-split-squat": _ONE_LEG
    | {"quadriceps", "hamstrings", "adductors", "hip_flexors", "lower_back", "it_band"},
    # all fours; abduction in flexion works tensor fasciae latae; trunk kept from tilting
    "fire-hydrant-band": _ALL_FOURS | {"glutes", "hip_rotators", "it_band", "core"},
    # tensor fasciae latae helps lift the leg and tensions the IT band
    "side-lying-hip-abduction": frozenset({"glutes", "it_band"}),
    # gluteus medius and the rotators; tensor fasciae latae stays quiet (Selkowitz 2013)
    "clamshell": frozenset({"glutes", "hip_rotators"}),
    # half-squat side steps: the quads and ankles hold the squat, tensor fasciae latae abducts
    "lateral-band-walk": _STAND | {"glutes", "it_band", "quadriceps", "knees", "calves", "achilles"},
    # stepping sideways and crossing over on the feet, knees soft: every standing region, the
    # hip rotators that turn the crossing leg, the trunk that keeps the pelvis square, and at a
    # jog the hamstrings that decelerate each step
    "side-step-grapevine": _ONE_LEG
    | {"quadriceps", "hamstrings", "adductors", "hip_rotators", "core", "it_band"},
    # ------------------------------------------------------------ adductors, frontal and rotational
    # top foot on the bench: the whole top leg is the lever (knee, shin, foot); elbow carries the trunk
    "copenhagen-plank": frozenset(
        {"adductors", "core", "lower_back", "upper_body", "glutes", "knees", "shins", "feet"}
    ),
    # top knee on the bench, bottom knee on the floor
    "copenhagen-plank-knee": frozenset({"adductors", "core", "lower_back", "upper_body", "glutes", "knees"}),
    # the pillow or fists press on the inner knees
    "adductor-squeeze": frozenset({"adductors", "knees"}),
    # sitting back into one hip is a hinge with a sideways trunk lean; the straight leg's adductors stretch
    "lateral-lunge": _ONE_LEG | {"adductors", "quadriceps", "hamstrings", "lower_back", "core", "it_band"},
    # hip adduction with knee flexion, rotation at the front hip
    "curtsy-lunge": _ONE_LEG | {"quadriceps", "adductors", "hip_rotators", "it_band"},
    # a lunge plus trunk rotation over the front hip, arms out or a light weight held
    "lunge-with-rotation": _ONE_LEG
    | {"quadriceps", "hamstrings", "adductors", "hip_flexors", "hip_rotators", "it_band"}
    | {"core", "lower_back", "upper_body"},
    # lateral push-off and single-leg landings: the groin and the trunk stop the sideways momentum
    "skater-jump": _ONE_LEG | {"quadriceps", "adductors", "it_band", "core", "lower_back"},
    # ------------------------------------------------------------ hip flexors
    # the psoas pulls on the lumbar spine; the locked knee is the quads' work
    "straight-leg-raise": frozenset({"hip_flexors", "quadriceps", "core", "lower_back"}),
    # standing (on one leg) or lying: both versions counted; tensor fasciae latae flexes the hip too
    "banded-hip-march": _ONE_LEG | {"hip_flexors", "core", "lower_back", "it_band"},
    # ------------------------------------------------------------ calves and Achilles
    # dumbbell in one hand
    "weighted-calf-raise-step": _CALF_RAISE | _SUITCASE,
    # single leg, a dumbbell in one hand (or a machine on the shoulders)
    "heavy-calf-raise-straight-knee": _CALF_RAISE | _SUITCASE | {"glutes"},
    # knees held bent 45 degrees under the load; dumbbell in one hand
    "bent-knee-calf-raise": _CALF_RAISE | _SUITCASE | {"quadriceps"},
    "calf-raise": _CALF_RAISE | {"glutes"},
    "double-leg-calf-raise": _CALF_RAISE,
    # a farmer's walk: grip, shoulders and spine carry the dumbbells; every step is single-leg stance
    "tiptoe-walk-weights": _CALF_RAISE | {"core", "upper_body", "lower_back", "glutes"},
    # a backpack of books is the load: too light to count for the back and shoulders
    "single-leg-heel-raise-towel": _CALF_RAISE | {"glutes"},
    # ------------------------------------------------------------ shins and feet
    "bridge-calf-pull": _BRIDGE,
    # standing on the heels, leaning on a wall
    "tibialis-raise": _STAND,
    # seated first, then standing
    "short-foot": _STAND,
    # squeezing and lifting the pelvic floor, sitting or standing: the deep trunk only
    "pelvic-floor-training": frozenset({"core"}),
    # ------------------------------------------------------------ upper body and back
    "push-up": _PLANK,
    # the knees carry the plank line
    "knee-push-up": frozenset({"upper_body", "core", "lower_back", "hip_flexors", "glutes", "knees"}),
    # the legs are lifted too: hip extension by the glutes and hamstrings
    "superman": frozenset({"lower_back", "upper_body", "glutes", "hamstrings"}),
    "prone-y-raise": frozenset({"upper_body", "lower_back"}),  # the chest and legs stay down
    "floor-press": frozenset({"upper_body", "core"}),  # lying, the feet resting on the floor
    # a reverse plank: glutes, hamstrings and back extensors keep the body straight
    # (the heels on the floor carry little and at no end range: not counted)
    "inverted-row": frozenset({"upper_body", "core", "lower_back", "glutes", "hamstrings"}),
    # standing at a chest-height anchor
    "band-row": _STAND | {"upper_body"},
    # on all fours; the reaching leg is lifted by the glutes and hamstrings
    "bird-dog": _ALL_FOURS | {"core", "lower_back", "glutes", "hamstrings"},
    # ------------------------------------------------------------ plyometrics
    "pogo-hops": _CALF_RAISE,
    # running-like single-leg contacts: knee drive (hip flexors), pawing strike (hamstrings, glutes)
    "skipping": _CALF_RAISE | {"hip_flexors", "hamstrings", "glutes", "it_band"},
    "bounding": _ONE_LEG | {"quadriceps", "hamstrings", "hip_flexors", "it_band"},
    # quarter-to-half squat landings: shallow for the adductors; the trunk folds over the hips
    "box-jump": _STAND | {"quadriceps", "glutes", "calves", "achilles", "knees", "lower_back"},
    "squat-jump": _STAND | {"quadriceps", "glutes", "calves", "achilles", "knees", "lower_back"},
    # ------------------------------------------------------------ heavy lifting
    # the bar sits on the upper back
    "back-squat": _SQUAT | {"lower_back", "core", "upper_body"},
    # heavy grip and upper back; shins stay near vertical
    "trap-bar-deadlift": _STAND
    | {"glutes", "hamstrings", "quadriceps", "adductors", "lower_back", "core", "upper_body", "knees"},
    # ------------------------------------------------------------ mobility
    "seated-butterfly": frozenset({"adductors"}),
    # front knee twisted under the body; back leg long stretches its hip flexors
    "pigeon-pose": frozenset({"hip_rotators", "glutes", "knees", "hip_flexors"}),
    # the crossed leg's knee takes the twist when the hip is stiff
    "figure-four-stretch": frozenset({"hip_rotators", "glutes", "knees"}),
    # kneeling; the glute of the kneeling side is squeezed
    "hip-flexor-kneeling-stretch": frozenset({"knees", "hip_flexors", "quadriceps", "glutes"}),
    # standing on one leg; the held knee bent fully
    "quad-stretch-standing": _ONE_LEG | {"quadriceps", "hip_flexors"},
    # propped on the forearms over the roller: a partial plank
    "foam-roll-quads": frozenset({"quadriceps", "upper_body", "core"}),
    # the towel round the foot pulls the ankle up (calf, Achilles); a straight-leg raise tensions
    # the sciatic nerve roots in the lumbar spine (the neurodynamic test)
    # the hip bends to its end range (the glutes behind it stretch too) and the knee is pulled straight
    "supine-hamstring-stretch": frozenset(
        {"hamstrings", "calves", "achilles", "lower_back", "knees", "glutes"}
    ),
    # the bent-knee version bends the loaded knee
    "calf-stretch-wall": _STAND | {"calves", "achilles", "knees"},
    "ankle-dorsiflexion-mobility": _STAND | {"calves", "achilles", "knees"},
    "toe-extension-stretch": frozenset({"feet"}),
    # deep lunge (front glutes, back hip flexors, quads), hand on the floor, thoracic rotation
    "worlds-greatest-stretch": _SQUAT
    | {"hip_flexors", "hip_rotators", "hamstrings", "upper_body", "lower_back"},
    # standing on one leg; the swinging leg across the body stretches the IT band and abducts;
    # the back swing stretches the rectus femoris (a quadriceps muscle that crosses the hip)
    "leg-swings": _ONE_LEG | {"hip_flexors", "hamstrings", "adductors", "it_band", "quadriceps"},
    "cat-cow": _ALL_FOURS | {"lower_back"},
    "open-book": frozenset({"upper_body", "lower_back"}),
    # ------------------------------------------------------------ floor calf work, balance, bone loading
    # the weight on the knees goes down through the shins
    "seated-calf-raise": frozenset({"calves", "achilles", "feet", "knees", "shins"}),
    # a weight in one hand
    "heavy-calf-raise-floor": _CALF_RAISE | _SUITCASE,
    "single-leg-balance": _ONE_LEG,
    # drops onto straight knees send the jolt up to the hip (the note: "hip bones") and spine
    "heel-drop": _CALF_RAISE | {"glutes", "lower_back"},
}

# Side-bending or holding the trunk against it: side planks, Copenhagen planks, a weight in one
# hand (suitcase), a sideways trunk lean, a side pull.
LATERAL_TRUNK: frozenset[str] = frozenset({
    "side-plank", "side-plank-knees", "copenhagen-plank", "copenhagen-plank-knee",
    "lateral-lunge",  # the trunk leans over the bent hip
    "skater-jump",  # landing sideways on one foot, the trunk must be stopped from tipping
    "wood-chop",  # diagonal: side-bend and rotation
    "pallof-press",  # the band pulls sideways at chest height: anti-rotation and anti-side-bend
    # a dumbbell in one hand: a suitcase hold
    "weighted-calf-raise-step", "heavy-calf-raise-straight-knee", "bent-knee-calf-raise",
    "heavy-calf-raise-floor",
})  # fmt: skip
# Not counted: bird dog, plank walk-up and the single-leg deadlift resist rotation more than
# side-bending; the lateral band walk and fire hydrant keep a still trunk against a light load.

# Loaded or repeated flexion or rotation of the spine (what low bone density should avoid).
SPINAL_FLEXION_OR_TWIST: frozenset[str] = frozenset({
    "windshield-washer", "bicycle-crunch", "russian-twist", "wood-chop", "lunge-with-rotation",
    "cat-cow",  # repeated rounding of the back, if unloaded
    "open-book", "worlds-greatest-stretch",  # repeated thoracic rotation
})  # fmt: skip
# Not counted: the pallof press resists rotation without moving; hinges and the butterfly
# stretch bend at the hips with a flat back (their cues say so).

# Lying on the back for more than a few breaths.
SUPINE: frozenset[str] = frozenset({
    "windshield-washer", "bicycle-crunch", "dead-bug", "dead-bug-arms", "floor-press",
    "glute-bridge", "bridge", "glute-bridge-dumbbell", "single-leg-bridge-dumbbell", "bridge-calf-pull",
    "hamstring-curl-towel", "adductor-squeeze", "straight-leg-raise",
    "banded-hip-march",  # "stand tall or lie on your back": the lying version counts
    "figure-four-stretch", "supine-hamstring-stretch",
})  # fmt: skip
# Not counted: the inverted row hangs from the hands and heels, the back off the floor.

# Recommended every day, not a training load (Mottola 2018: daily pelvic floor muscle training in
# pregnancy and after birth): what a taper, a deload or race week leaves whole.
DAILY_ROUTINES: frozenset[str] = frozenset({"pelvic-floor-training"})

# Lying face down on the belly (what pregnancy after about 16 weeks avoids).
PRONE: frozenset[str] = frozenset({"superman", "prone-y-raise"})
# Not counted: planks and push-ups hold the body off the floor on hands or forearms and toes.

# The knee bent past about 90 degrees under body weight or more, or held bent under load: what
# pulls hardest on the growth plate below the kneecap (Osgood-Schlatter) and on the patellar
# tendon. Squats and lunges of every kind, step-ups and step-downs, a wall sit, landings.
DEEP_KNEE_FLEXION: frozenset[str] = frozenset({
    "squat", "bodyweight-squat", "back-squat", "wall-sit", "trap-bar-deadlift",
    "lunge", "split-squat", "bulgarian-split-squat", "curtsy-lunge", "lateral-lunge", "lunge-with-rotation",
    "step-up", "eccentric-step-down", "skater-squat",
    "squat-jump", "box-jump", "skater-jump",  # landings absorb into a bent knee
    "worlds-greatest-stretch",  # the front knee of a deep lunge carries the body
})  # fmt: skip
# Not counted: the standing quad stretch bends the knee without load (a stretch a growing knee
# may keep); hinges (Romanian and single-leg deadlifts, swings) keep the knee soft.

# A real chance of losing balance and falling: one foot on a bench or a box, stepping across
# or down, a loaded single-leg hinge, walking the hands out and back, a landing on one foot,
# walking on the toes with the hands full.
FALL_RISK: frozenset[str] = frozenset({
    "bulgarian-split-squat", "skater-squat", "curtsy-lunge", "lunge-with-rotation",
    "step-up", "eccentric-step-down", "single-leg-deadlift",
    "plank-walk-up",  # getting down to the floor and up again, hands walking out
    "box-jump", "skater-jump",
    "tiptoe-walk-weights",  # walking high on the toes with a weight in each hand, nothing to hold
})  # fmt: skip
# Not counted: single-leg balance is done beside a wall or chair (its cue); calf raises off a
# step hold a wall or rail.
