using System.ServiceModel;
using System.Xml.Serialization;

namespace MySchool.Integration.Gateway.Soap;

// The SOAP face of the exchange for vendors whose stacks speak only SOAP (1.1 and 1.2 at /soap/exchange, WSDL at
// ?wsdl). Serialized by XmlSerializer with an explicit namespace on every type: the WSDL loads in any toolkit.

/// <summary>The operations: the same push as gRPC's, and a student's journal.</summary>
[ServiceContract(Namespace = SoapNames.Namespace, Name = "JournalExchange")]
[XmlSerializerFormat]
public interface IJournalExchange
{
    /// <summary>Applies one batch of a school, once per idempotency key. Faults: InvalidArgument, PermissionDenied, FailedPrecondition, Unauthenticated.</summary>
    [OperationContract]
    PushResult Push(PushRequest request);

    /// <summary>A student's lessons, marks and absences over a date range, by the vendor's own student id.</summary>
    [OperationContract]
    StudentJournal GetStudentJournal(JournalQuery query);
}

public static class SoapNames
{
    public const string Namespace = "urn:myschool:exchange:v1";
}

[XmlType(Namespace = SoapNames.Namespace)]
public sealed class PushRequest
{
    public string? IdempotencyKey { get; set; }

    public string? RegionCode { get; set; }

    public bool CompleteRoster { get; set; }

    public SoapSchool? School { get; set; }

    public List<SoapClass> Classes { get; set; } = [];

    public List<SoapStudent> Students { get; set; } = [];

    public List<SoapTeacher> Teachers { get; set; } = [];

    public List<SoapLesson> Lessons { get; set; } = [];

    public List<SoapMark> Marks { get; set; } = [];

    public List<SoapAttendance> Attendance { get; set; } = [];

    public List<string> DeletedMarks { get; set; } = [];

    /// <summary>The school's year (added in 1.1, optional): it replaces the stored periods and holidays of that year.</summary>
    public SoapCalendar? Calendar { get; set; }

    /// <summary>Announcements, meetings, tests, club sessions (added in 1.1).</summary>
    public List<SoapEvent> Events { get; set; } = [];

    /// <summary>Subgroups, clubs and interest groups with their students (added in 1.2).</summary>
    public List<SoapGroup> Groups { get; set; } = [];
}

[XmlType("Group", Namespace = SoapNames.Namespace)]
public sealed class SoapGroup
{
    public string? ClassSourceId { get; set; }

    public string? Name { get; set; }

    /// <summary>subgroup, club, interest.</summary>
    public string? Kind { get; set; }

    public string? Subject { get; set; }

    public List<string> StudentSourceIds { get; set; } = [];
}

[XmlType("Event", Namespace = SoapNames.Namespace)]
public sealed class SoapEvent
{
    public string? SourceKey { get; set; }

    public string? ClassSourceId { get; set; }

    public string? Kind { get; set; }

    public string? StartsAt { get; set; }

    public string? EndsAt { get; set; }

    public string? Title { get; set; }

    public string? Body { get; set; }
}

[XmlType("Calendar", Namespace = SoapNames.Namespace)]
public sealed class SoapCalendar
{
    public string? AcademicYear { get; set; }

    public string? StartsOn { get; set; }

    public string? EndsOn { get; set; }

    public List<SoapPeriod> Periods { get; set; } = [];

    public List<SoapHoliday> Holidays { get; set; } = [];
}

[XmlType("Period", Namespace = SoapNames.Namespace)]
public sealed class SoapPeriod
{
    public string? Name { get; set; }

    public string? StartsOn { get; set; }

    public string? EndsOn { get; set; }

    public int FirstGrade { get; set; }

    public int LastGrade { get; set; }
}

[XmlType("Holiday", Namespace = SoapNames.Namespace)]
public sealed class SoapHoliday
{
    public string? Name { get; set; }

    public string? StartsOn { get; set; }

    public string? EndsOn { get; set; }
}

[XmlType("School", Namespace = SoapNames.Namespace)]
public sealed class SoapSchool
{
    public string? SourceId { get; set; }

    public string? Inn { get; set; }

    public string? FullName { get; set; }

    public string? ShortName { get; set; }

    public string? Oktmo { get; set; }

    public string? Municipality { get; set; }

    /// <summary>A branch's own KPP (added in 1.1).</summary>
    public string? Kpp { get; set; }

    /// <summary>A branch's head school, by the vendor's id (added in 1.1).</summary>
    public string? ParentSourceId { get; set; }
}

[XmlType("Class", Namespace = SoapNames.Namespace)]
public sealed class SoapClass
{
    public string? SourceId { get; set; }

    public string? Name { get; set; }

    public string? AcademicYear { get; set; }
}

[XmlType("Person", Namespace = SoapNames.Namespace)]
public sealed class SoapPerson
{
    public string? SourceId { get; set; }

    public string? LastName { get; set; }

    public string? FirstName { get; set; }

    public string? MiddleName { get; set; }

    public string? BirthDate { get; set; }

    public string? Gender { get; set; }

    public string? Snils { get; set; }
}

[XmlType("Guardian", Namespace = SoapNames.Namespace)]
public sealed class SoapGuardian
{
    public SoapPerson? Person { get; set; }

    public string? Relation { get; set; }
}

[XmlType("Student", Namespace = SoapNames.Namespace)]
public sealed class SoapStudent
{
    public SoapPerson? Person { get; set; }

    public string? ClassSourceId { get; set; }

    public List<SoapGuardian> Guardians { get; set; } = [];
}

[XmlType("Teacher", Namespace = SoapNames.Namespace)]
public sealed class SoapTeacher
{
    public SoapPerson? Person { get; set; }

    public string? Email { get; set; }

    public List<string> Subjects { get; set; } = [];

    /// <summary>teacher, admin (added in 1.1); none means a teacher.</summary>
    public List<string> Roles { get; set; } = [];
}

[XmlType("Lesson", Namespace = SoapNames.Namespace)]
public sealed class SoapLesson
{
    public string? ClassSourceId { get; set; }

    public string? Date { get; set; }

    public int Number { get; set; }

    public string? Start { get; set; }

    public string? End { get; set; }

    public string? Subject { get; set; }

    public string? Room { get; set; }

    public string? TeacherSourceId { get; set; }

    public string? Topic { get; set; }

    public List<SoapHomework> Homework { get; set; } = [];

    /// <summary>The group the lesson is for (added in 1.2); empty for the whole class.</summary>
    public string? Group { get; set; }
}

[XmlType("Homework", Namespace = SoapNames.Namespace)]
public sealed class SoapHomework
{
    public string? SourceKey { get; set; }

    public string? Text { get; set; }

    public bool Individual { get; set; }

    public List<string> Attachments { get; set; } = [];
}

[XmlType("Mark", Namespace = SoapNames.Namespace)]
public sealed class SoapMark
{
    public string? SourceId { get; set; }

    public string? StudentSourceId { get; set; }

    public string? ClassSourceId { get; set; }

    public string? LessonDate { get; set; }

    public int LessonNumber { get; set; }

    public string? Subject { get; set; }

    public string? Value { get; set; }

    public string? Date { get; set; }

    public double Weight { get; set; }

    public string? WorkKind { get; set; }

    public bool IsDebt { get; set; }

    public string? Comment { get; set; }

    /// <summary>The group of the mark's lesson (added in 1.2).</summary>
    public string? LessonGroup { get; set; }
}

[XmlType("Attendance", Namespace = SoapNames.Namespace)]
public sealed class SoapAttendance
{
    public string? StudentSourceId { get; set; }

    public string? ClassSourceId { get; set; }

    public string? LessonDate { get; set; }

    public int LessonNumber { get; set; }

    public string? Code { get; set; }

    /// <summary>The group of the lesson (added in 1.2).</summary>
    public string? LessonGroup { get; set; }
}

[XmlType(Namespace = SoapNames.Namespace)]
public sealed class PushResult
{
    public string IdempotencyKey { get; set; } = "";

    public bool Duplicate { get; set; }

    public long RunId { get; set; }

    public long Received { get; set; }

    public long Inserted { get; set; }

    public long Updated { get; set; }

    public long Deleted { get; set; }

    public long Quarantined { get; set; }

    public List<SoapRejectedRecord> Rejected { get; set; } = [];
}

[XmlType("RejectedRecord", Namespace = SoapNames.Namespace)]
public sealed class SoapRejectedRecord
{
    public string Kind { get; set; } = "";

    public string SourceId { get; set; } = "";

    public string ReasonCode { get; set; } = "";

    public string Reason { get; set; } = "";
}

[XmlType(Namespace = SoapNames.Namespace)]
public sealed class JournalQuery
{
    public string? RegionCode { get; set; }

    public string? StudentSourceId { get; set; }

    /// <summary>yyyy-MM-dd</summary>
    public string? Start { get; set; }

    public string? End { get; set; }
}

[XmlType(Namespace = SoapNames.Namespace)]
public sealed class StudentJournal
{
    public string StudentSourceId { get; set; } = "";

    public List<JournalLesson> Lessons { get; set; } = [];
}

[XmlType(Namespace = SoapNames.Namespace)]
public sealed class JournalLesson
{
    public string Id { get; set; } = "";

    public string School { get; set; } = "";

    public string ClassName { get; set; } = "";

    /// <summary>ISO 8601 in the school's own offset.</summary>
    public string Start { get; set; } = "";

    public string End { get; set; } = "";

    public string Subject { get; set; } = "";

    public string? Topic { get; set; }

    public string? Homework { get; set; }

    public string? Room { get; set; }

    public string? Attendance { get; set; }

    public List<JournalMark> Marks { get; set; } = [];
}

[XmlType(Namespace = SoapNames.Namespace)]
public sealed class JournalMark
{
    public string Code { get; set; } = "";

    public decimal Weight { get; set; }

    public decimal? Value { get; set; }
}
