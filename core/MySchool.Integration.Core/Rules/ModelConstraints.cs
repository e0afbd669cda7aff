namespace MySchool.Integration.Core.Rules;

/// <summary>
/// Every rule PostgreSQL enforces on the federal model's tables, and what checks it first so that PostgreSQL never
/// has to refuse a write (which would fail a whole school or batch). The value is the reason code a source's record
/// is quarantined under, or one of the markers below for values no source supplies. A test reads the constraints
/// from <c>pg_constraint</c>, the unique indexes and the NOT NULL columns, and fails for any not listed here: a new
/// constraint comes with its rule.
/// </summary>
public static class ModelConstraints
{
    /// <summary>The gateway writes the value itself: a generated id, a resolved reference, a literal, an upsert's key.</summary>
    public const string Gateway = "(gateway)";

    /// <summary>The value comes from the gateway's configuration (regions), checked when it starts.</summary>
    public const string Configuration = "(configuration)";

    /// <summary>The adapter's mapping gives a typed value (an instant, a date): nothing to refuse once it exists.</summary>
    public const string Typed = "(typed by the adapter's mapping)";

    /// <summary>Constraint (or unique index) name → reason code or marker.</summary>
    public static readonly IReadOnlyDictionary<string, string> Checks = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["region_code_check"] = Configuration,
        ["region_code_key"] = Configuration,
        ["municipality_oktmo_check"] = "school.oktmo",
        ["municipality_region_id_fkey"] = Gateway,
        ["municipality_region_id_oktmo_key"] = Gateway,
        ["school_check"] = "school.branch-kpp",
        ["school_inn_check"] = "school.inn",
        ["school_kpp_check"] = "school.kpp",
        ["school_oktmo_check"] = "school.oktmo",
        ["school_inn_kpp_key"] = "school.other-region",
        ["school_municipality_id_fkey"] = Gateway,
        ["school_parent_school_id_fkey"] = "school.parent",
        ["academic_year_check"] = "class.year",
        ["academic_year_name_check"] = "class.year",
        ["academic_year_school_id_fkey"] = Gateway,
        ["academic_year_school_id_name_key"] = Gateway,
        ["period_check"] = "period.dates",
        ["period_kind_check"] = "period.kind",
        ["period_academic_year_id_fkey"] = Gateway,
        ["period_academic_year_id_name_key"] = "period.duplicate",
        ["holiday_check"] = "holiday.dates",
        ["holiday_academic_year_id_fkey"] = Gateway,
        ["holiday_academic_year_id_starts_on_key"] = "holiday.duplicate",
        ["period_grades_check"] = "period.grades",
        ["grade_level_grade_check"] = "class.grade",
        ["grade_level_academic_year_id_fkey"] = Gateway,
        ["grade_level_academic_year_id_grade_key"] = Gateway,
        ["class_grade_check"] = "class.grade",
        ["class_letter_check"] = "class.letter",
        ["class_school_id_fkey"] = Gateway,
        ["class_grade_level_id_fkey"] = Gateway,
        ["class_grade_level_id_letter_key"] = Gateway,
        ["class_group_kind_check"] = "group.kind",
        ["class_group_class_id_fkey"] = "group.unknown-class",
        ["class_group_class_id_name_key"] = "group.duplicate",
        ["group_member_group_id_fkey"] = Gateway,
        ["group_member_student_id_fkey"] = "group.unknown-student",
        ["group_member_group_id_student_id_key"] = Gateway,
        ["person_gender_check"] = "person.gender",
        ["person_snils_check"] = "snils.format",
        ["person_snils_key"] = "person.snils-conflict",
        ["person_esia_oid_key"] = Gateway,
        ["enrollment_check"] = Gateway,
        ["enrollment_class_id_fkey"] = "student.unknown-class",
        ["enrollment_student_id_fkey"] = Gateway,
        ["enrollment_student_id_class_id_starts_on_key"] = Gateway,
        ["enrollment_one_open"] = "student.duplicate",
        ["guardianship_check"] = "guardian.is-student",
        ["guardianship_parent_id_fkey"] = Gateway,
        ["guardianship_student_id_fkey"] = Gateway,
        ["guardianship_parent_id_student_id_key"] = Gateway,
        ["staff_role_check"] = "staff.role",
        ["staff_person_id_fkey"] = Gateway,
        ["staff_school_id_fkey"] = Gateway,
        ["staff_person_id_school_id_role_key"] = Gateway,
        ["subject_school_id_fkey"] = Gateway,
        ["subject_school_id_normalized_name_key"] = Gateway,
        ["lesson_check"] = "lesson.time",
        ["lesson_number_check"] = "lesson.number",
        ["lesson_class_id_fkey"] = "lesson.unknown-class",
        ["lesson_group_id_fkey"] = "lesson.unknown-group",
        ["lesson_subject_id_fkey"] = Gateway,
        ["lesson_teacher_id_fkey"] = Gateway,
        ["lesson_class_id_group_id_lesson_date_number_key"] = "lesson.duplicate-slot",
        ["homework_lesson_id_fkey"] = Gateway,
        ["homework_lesson_id_source_key_key"] = "homework.duplicate",
        ["mark_code_check"] = "mark.unknown-code",
        ["mark_numeric_value_check"] = "mark.out-of-scale",
        ["mark_weight_check"] = "mark.weight",
        ["mark_source_identity"] = "mark.duplicate",
        ["mark_lesson_id_fkey"] = "mark.orphan",
        ["mark_student_id_fkey"] = "mark.orphan",
        ["mark_subject_id_fkey"] = Gateway,
        ["attendance_code_check"] = "mark.unknown-code",
        ["attendance_lesson_id_fkey"] = "mark.orphan",
        ["attendance_student_id_fkey"] = "mark.orphan",
        // Deletions the gateway never makes: a person or subject that marks or attendance still refer to (0021).
        ["person_referenced_by_marks_and_attendance"] = Gateway,
        ["subject_referenced_by_marks"] = Gateway,
        ["attendance_student_id_lesson_id_key"] = "attendance.duplicate",
        ["event_kind_check"] = "event.kind",
        ["event_class_id_fkey"] = "event.unknown-class",
        ["event_school_id_fkey"] = Gateway,
        ["event_school_id_source_key_key"] = Gateway,
    };

    /// <summary>
    /// NOT NULL columns a source's record fills (table.column → reason code). Every other NOT NULL column of the
    /// model is the gateway's own (ids, change versions, references it resolves, derived values) listed in <see cref="GatewayColumns"/>.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> RequiredValues = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["school.inn"] = "school.inn",
        ["school.oktmo"] = "school.oktmo",
        ["school.full_name"] = "school.name",
        ["municipality.oktmo"] = "school.oktmo",
        ["municipality.name"] = "text.invalid-character",
        ["academic_year.name"] = "class.year",
        ["class.grade"] = "class.format",
        ["class.letter"] = "class.format",
        ["grade_level.grade"] = "class.format",
        ["person.last_name"] = "person.name",
        ["person.first_name"] = "person.name",
        ["guardianship.relation"] = "text.invalid-character",
        ["lesson.lesson_date"] = "lesson.time",
        ["lesson.number"] = "lesson.number",
        ["lesson.starts_at"] = "lesson.time",
        ["lesson.ends_at"] = "lesson.time",
        ["subject.name"] = "lesson.subject",
        ["homework.source_key"] = "text.invalid-character",
        ["homework.text"] = "text.invalid-character",
        ["mark.code"] = "mark.unknown-code",
        ["mark.mark_date"] = "mark.date",
        ["mark.source_key"] = "text.invalid-character",
        ["mark.weight"] = "mark.weight",
        ["attendance.code"] = "mark.unknown-code",
        ["event.source_key"] = "text.invalid-character",
        ["event.kind"] = "event.kind",
        ["event.starts_at"] = Typed,
        ["event.title"] = "text.invalid-character",
        ["period.name"] = "period.name",
        ["period.kind"] = "period.kind",
        ["period.starts_on"] = Typed,
        ["period.ends_on"] = Typed,
        ["holiday.name"] = "holiday.name",
        ["holiday.starts_on"] = Typed,
        ["holiday.ends_on"] = Typed,
        ["class_group.name"] = "group.name",
        ["class_group.kind"] = "group.kind",
    };

    /// <summary>NOT NULL columns no source fills: every table's id and change version, and these.</summary>
    public static readonly IReadOnlySet<string> GatewayColumns = new HashSet<string>(StringComparer.Ordinal)
    {
        "region.code", "region.name", "region.time_zone", "municipality.region_id", "school.municipality_id", "school.time_zone",
        "academic_year.school_id", "academic_year.starts_on", "academic_year.ends_on", "grade_level.academic_year_id",
        "class.school_id", "class.grade_level_id", "person.search_name", "enrollment.student_id", "enrollment.class_id", "enrollment.starts_on",
        "guardianship.parent_id", "guardianship.student_id", "staff.person_id", "staff.school_id", "staff.role", "staff.subjects",
        "subject.school_id", "subject.normalized_name", "lesson.class_id", "lesson.subject_id", "homework.lesson_id", "homework.individual",
        "homework.attachments", "mark.student_id", "mark.subject_id", "mark.counts", "mark.is_debt", "mark.source_system",
        "attendance.student_id", "attendance.lesson_id", "event.school_id",
        "period.academic_year_id", "holiday.academic_year_id",
        "class_group.class_id", "group_member.group_id", "group_member.student_id",
    };
}
