namespace Tribu.Web.Resources;

// Marker types for IStringLocalizer<T>: each names one pair of .resx files (English, French) beside it.

/// <summary>Layout, navigation, errors and community pages.</summary>
public sealed class UiStrings;

/// <summary>Sign-up, log-in, two-factor, profile and account e-mails.</summary>
public sealed class AccountStrings;

/// <summary>The staff console under /manage.</summary>
public sealed class ManageStrings;

/// <summary>The search page, the header's search box and search errors.</summary>
public sealed class SearchStrings;
