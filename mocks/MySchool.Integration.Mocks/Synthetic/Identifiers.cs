namespace MySchool.Integration.Mocks.Synthetic;

/// <summary>Valid SNILS and INN numbers for synthetic people and schools.</summary>
public static class Identifiers
{
    /// <summary>11 digits with a correct check number, from a serial above the unchecked range.</summary>
    public static string Snils(long serial)
    {
        var number = 100_000_000 + (serial * 7919 % 899_000_000);
        var digits = number.ToString("D9", System.Globalization.CultureInfo.InvariantCulture);
        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            sum += (digits[i] - '0') * (9 - i);
        }

        if (sum > 101)
        {
            sum %= 101;
        }

        var check = sum is 100 or 101 ? 0 : sum;
        return digits + check.ToString("D2", System.Globalization.CultureInfo.InvariantCulture);
    }

    public static string DashedSnils(string canonical) => $"{canonical[..3]}-{canonical[3..6]}-{canonical[6..9]} {canonical[9..]}";

    /// <summary>A legal entity's INN: region, tax office, serial and the check digit.</summary>
    public static string Inn(string regionCode, int serial)
    {
        int[] weights = [2, 4, 10, 3, 5, 9, 4, 6, 8];
        var body = $"{regionCode}{(serial % 50) + 1:D2}{serial:D5}";
        var check = body.Select((c, i) => (c - '0') * weights[i]).Sum() % 11 % 10;
        return body + check.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
