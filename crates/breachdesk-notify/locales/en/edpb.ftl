# The EDPB template's own English titles and options come from the schema; these are the words
# BreachDesk adds around them, and a few titles the schema gives in an unfinished form.
edpb-document-title = Notification of a personal data breach
edpb-section-1 = Notification and controller
edpb-section-2 = Reporting person and contacts
edpb-section-3 = Description of the breach
edpb-section-4 = Consequences, risk and measures
edpb-section-6 = Other authorities and cross-border processing
edpb-not-affected = Not affected:
edpb-yes = Yes
edpb-no = No
edpb-other-party-processor = Processor (Art. 28)
edpb-risk-method = Risk assessed as WP250 rev.01 and EDPB Guidelines 9/2022 describe it: the severity of the consequences for people and their likelihood, for each type of breach.
edpb-risk-decided = Severity: { $impact }, likelihood: { $likelihood }.
edpb-risk-enisa = Severity also scored with the ENISA 2013 method (SE = DPC × EI + CB).
edpb-risk-enisa-score = ENISA score { $score }, level: { $level }.
edpb-not-known = Unknown
edpb-f13 = Contact details
edpb-f31 = Contact details of the DPO
edpb-f36 = Contact details of the contact person
edpb-f41 = Contact details of the other party
edpb-f70-s = User credentials (e.g. usernames, passwords, tokens)
edpb-f89-c = The personal data breach is unlikely to result in a risk to the rights and freedoms of natural persons, or additional information is needed to assess the risk
edpb-f95 = Date the permanent measures are in place
edpb-f97-b = No, but it will be communicated later
