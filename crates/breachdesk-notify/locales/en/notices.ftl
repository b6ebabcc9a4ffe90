# Public notice (Art. 34(3)(c) GDPR).
public-headline = { $org }: a data breach has affected personal data
public-what-happened = On { $date }, { $org } discovered a data breach in which personal data became available to outsiders.
public-what-happened-unavailable = On { $date }, { $org } discovered a data breach in which personal data were unavailable for a time: nothing indicates that they reached outsiders.
public-what-happened-altered = On { $date }, { $org } discovered a data breach in which personal data were altered without authorisation.
public-what-happened-possibly = On { $date }, { $org } discovered a data breach in which personal data may have become available to outsiders; we are still finding out whether they did.
public-what-happened-lost = On { $date }, { $org } discovered a data breach in which personal data were lost and cannot be restored.
public-concerns-count = The breach concerns about { $count } people.
public-concerns-unknown = The number of people concerned is being investigated.
public-data-affected = The breach concerned the following data: { $list }.
public-data-not-affected = The breach did not concern the following data: { $list }.
public-informed-authority = We have notified the Office of the Data Protection Ombudsman.
public-informed-subjects = We have also informed the people concerned.
public-apology = { $org } apologises for what happened.
public-customer-service = More information: { $contacts }.
public-part-what-happened = What happened
public-part-concerns = Whom it concerns
public-part-data-affected = Which data were affected
public-part-data-not-affected = Which data were not affected
public-part-misuse = Has the data been misused
public-part-informed = Whom we have informed
public-part-apology = Our apology
public-part-customer-service = Customer service
public-part-media = For the media
public-language-name = In English
public-published = Published { $date }
public-updated = updated { $date }
public-index-title = { $org }: notices of personal data breaches
public-index-empty = No notices published.

# A notice drafted from structured facts.
public-headline-facts = { $org }: { $loss ->
    [disclosed] personal data exposed to outsiders
    [possibly] personal data may have been exposed to outsiders
    [unavailable] personal data were unavailable
    [lost] personal data were lost
   *[altered] personal data were altered without authorisation
  } – { $progress ->
    [resolved] the fault is fixed
    [contained] the breach is contained
   *[ongoing] the investigation continues
  }, { $act ->
    [yes] please follow the advice
   *[no] you do not need to do anything
  }
public-reach-all = The breach concerns all { $group ->
    [customers] our customers
    [employees] our employees
    [students] our students
    [patients] our patients
    [users] our users
    [subscribers] our subscribers
   *[other] the people whose data we process
  }.
public-reach-part = The breach concerns only some of { $group ->
    [customers] our customers
    [employees] our employees
    [students] our students
    [patients] our patients
    [users] our users
    [subscribers] our subscribers
   *[other] the people whose data we process
  }.
public-reach-not-yet-known = We are still finding out whom the breach concerns.
public-people-count = { $approx ->
    [yes] This is about { $count } people.
   *[no] This is { $count } people.
  }
public-discovered = We discovered the breach on { $date }.
public-progress-resolved = The fault was fixed on { $date }.
public-progress-contained = The breach was contained on { $date } and is being fixed.
public-progress-contained-undated = The breach has been contained and is being fixed.
public-progress-ongoing = We are still investigating what happened.
public-act-no = You do not need to do anything.
public-act-yes = Please follow the advice below.
public-data-affected-intro = The breach concerned the following data:
public-category-count = { $category } ({ $count } people)
public-data-not-affected-intro = The breach did not concern the following data:
public-data-never-collected-intro = We do not collect or keep the following data, so the breach cannot have concerned them:
public-misuse-none-seen = We have seen no sign that the data have been misused.
public-misuse-seen = We have seen that the data have been misused.
public-misuse-being-investigated = We are investigating whether the data have been misused.
public-informed-police = We have reported the offence to the police.
public-next-default = We continue to investigate and will report any new information.
public-outside-help = We are investigating with the help of { $help }.
public-service-hours = Opening hours: { $hours }.
public-media = Media enquiries: { $contact }.
public-part-data-never-collected = Which data we do not collect
public-part-action = What you should do
public-part-next-steps = What happens next

# Letter to a data subject (Art. 34(2) GDPR): clear and plain language, only the person's own data.
letter-subject = { $org }: a data breach concerning your personal data
letter-greeting = Dear { $name },
letter-no-name = recipient
letter-what-happened = On { $date }, { $org } discovered a data breach in which personal data became available to outsiders. We are writing to you because your data was among it.
letter-what-happened-unavailable = On { $date }, { $org } discovered a data breach in which personal data were unavailable for a time: nothing indicates that they reached outsiders. We are writing to you because your data were among them.
letter-what-happened-altered = On { $date }, { $org } discovered a data breach in which personal data were altered without authorisation. We are writing to you because your data were among them.
letter-what-happened-possibly = On { $date }, { $org } discovered a data breach in which personal data may have become available to outsiders; we are still finding out whether they did. We are writing to you because your data were among them.
letter-what-happened-lost = On { $date }, { $org } discovered a data breach in which personal data were lost and cannot be restored. We are writing to you because your data were among them.
letter-your-data = The breach concerned the following data about you:
letter-consequences = Someone may try to use the data to contact you in your name or to deceive you, for example with messages that seem to come from us.
letter-consequences-unavailable = Nothing indicates that your data reached outsiders. Because they were not available, matters that depend on them may have been delayed, and we may ask you to give some of them again.
letter-consequences-altered = Some of your data may have been changed without authorisation. Until we have corrected them, decisions or messages based on them may be wrong.
letter-measures = We continue to investigate what happened.
letter-measures-authority = We have notified the Office of the Data Protection Ombudsman.
letter-measures-police = We have reported the offence to the police.
letter-advice = What you can do to protect yourself:
letter-contact = If you have questions, please contact our data protection officer: { $contacts }.
letter-contact-service = If you have questions, please contact our customer service: { $contacts }.
letter-contact-hours = Opening hours: { $hours }.
letter-closing = We are sorry for what happened.
letter-part-subject = Subject
letter-part-greeting = Greeting
letter-part-what-happened = What happened
letter-part-your-data = Your data (the person's own data follows as a list)
letter-part-consequences = Likely consequences
letter-part-measures = What we have done and will do
letter-part-advice = What you can do (each person's own advice follows as a list)
letter-part-contact = Contact point
letter-part-closing = Closing
letter-element-person_name = your name
letter-element-postal_address = your postal address
letter-element-national_id = your personal identity code
letter-element-payment_card = your payment card number
letter-element-iban = your bank account number
letter-element-email = your e-mail address
letter-element-phone = your phone number
letter-element-ip_address = the IP address of your device
letter-element-customer_number = your customer number
letter-element-date_of_birth = your date of birth
letter-element-credential = your user name or password
letter-element-health = information about your health
letter-element-photo = your photograph
letter-element-education = information about your studies (such as grades)
letter-element-employment = information about your employment
letter-element-family = information about your family
letter-element-location = information about where you are or have been
letter-element-behaviour = information about how you use our services
letter-element-financial = information about your finances
letter-element-racial_or_ethnic_origin = information about your ethnic origin
letter-element-political_opinions = information about your political opinions
letter-element-religious_or_philosophical_beliefs = information about your religious or philosophical beliefs
letter-element-trade_union_membership = information about your trade union membership
letter-element-genetic = your genetic data
letter-element-biometric = your biometric data (such as a fingerprint or face image used to identify you)
letter-element-sex_life_or_orientation = information about your sex life or sexual orientation
letter-element-criminal_convictions = information about criminal convictions or offences concerning you
letter-advice-national_id = You can ask Suomen Asiakastieto to record a credit ban and the police to record a ban on the use of your identity code in order to make fraud harder.
letter-advice-payment_card = Contact your bank to close the card and check your card transactions.
letter-advice-iban = Check your account transactions and be careful with invoices and payment requests you did not expect.
letter-advice-email = Be careful with e-mails asking for your data or payments, even if they seem to come from us.
letter-advice-phone = Be careful with calls and text messages asking for your data or payments.
letter-advice-credential = Change your password at once, and wherever else you have used the same password.
letter-advice-health = You can ask us what exactly was disclosed and how it may affect you.
letter-advice-education = Be careful with messages that use this information to win your trust or that ask for your data or payments.
letter-advice-employment = Be careful with messages that use this information to win your trust or that ask for your data or payments.
letter-advice-family = Be careful with messages that use this information to win your trust or that ask for your data or payments.
letter-advice-location = If you fear for your safety, tell us and the police. You can ask the Digital and Population Data Services Agency for a non-disclosure for personal safety reasons.
letter-advice-behaviour = Be careful with messages that use this information to win your trust or that ask for your data or payments.
letter-advice-financial = Check your account and card transactions and be careful with loan offers, invoices and payment requests you did not expect.
letter-advice-racial_or_ethnic_origin = If someone contacts you about this information or threatens to publish it, do not answer and do not pay: report it to the police and tell us. You can ask us what exactly was disclosed.
letter-advice-political_opinions = If someone contacts you about this information or threatens to publish it, do not answer and do not pay: report it to the police and tell us. You can ask us what exactly was disclosed.
letter-advice-religious_or_philosophical_beliefs = If someone contacts you about this information or threatens to publish it, do not answer and do not pay: report it to the police and tell us. You can ask us what exactly was disclosed.
letter-advice-trade_union_membership = If someone contacts you about this information or threatens to publish it, do not answer and do not pay: report it to the police and tell us. You can ask us what exactly was disclosed.
letter-advice-genetic = If someone contacts you about this information or threatens to publish it, do not answer and do not pay: report it to the police and tell us. You can ask us what exactly was disclosed.
letter-advice-biometric = Where a service identifies you by your fingerprint or face, ask it whether you can identify yourself in another way.
letter-advice-sex_life_or_orientation = If someone contacts you about this information or threatens to publish it, do not answer and do not pay: report it to the police and tell us. You can ask us what exactly was disclosed.
letter-advice-criminal_convictions = If someone contacts you about this information or threatens to publish it, do not answer and do not pay: report it to the police and tell us. You can ask us what exactly was disclosed.
