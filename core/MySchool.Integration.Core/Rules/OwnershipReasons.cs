namespace MySchool.Integration.Core.Rules;

/// <summary>
/// Why a record was refused because someone else holds what it touches. Operators read the precise reason
/// (quarantine, audit); a vendor's answer says only <see cref="ForVendor"/>, so it never learns whether a SNILS
/// or an INN exists elsewhere (the pattern of Ed-Fi's ownership-based authorization).
/// </summary>
public static class OwnershipReasons
{
    public static readonly Rejection ForVendor = new("registry.conflict", "Запись противоречит данным реестра и передана операторам");

    public static readonly Rejection SnilsConflict = new("person.snils-conflict", "СНИЛС уже принадлежит другому человеку в реестре");

    public static readonly Rejection SnilsMismatch = new("person.snils-mismatch",
        "СНИЛС совпадает с человеком в реестре, но дата рождения или ФИО другие: записи не объединены, нужна проверка оператором");

    private static readonly HashSet<string> Codes =
        ["school.other-region", "school.owned-elsewhere", "person.enrolled-elsewhere", SnilsConflict.Code, SnilsMismatch.Code];

    /// <summary>Whether a refusal says something about data held elsewhere (and so is <see cref="ForVendor"/> to a vendor).</summary>
    public static bool IsOwnershipConflict(string code) => Codes.Contains(code);

    public static Rejection SchoolInOtherRegion(string region) => new("school.other-region",
        $"Школа с этим ИНН зарегистрирована в регионе {region}: запись не принята, школа не перенесена; перенос между регионами выполняет федеральный оператор");

    public static Rejection SchoolOwnedElsewhere(string owner) => new("school.owned-elsewhere",
        $"Школу ведёт источник «{owner}», а настройки региона не разрешают другим источникам писать в неё");

    public static Rejection EnrolledElsewhere(string school, string region) => new("person.enrolled-elsewhere",
        $"Ученик уже числится в школе «{school}» (регион {region}), которую ведёт другой источник: запись отложена, пока та школа не завершит зачисление");

    public static Rejection ClaimedElsewhere(string school, string region) => new("person.claimed-elsewhere",
        $"Другой источник указывает этого ученика в школе «{school}» (регион {region}): если ученик выбыл, завершите зачисление здесь");
}
