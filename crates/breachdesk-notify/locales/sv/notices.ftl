# Offentligt meddelande (artikel 34.3 c i dataskyddsförordningen).
public-headline = { $org }: en personuppgiftsincident har berört personuppgifter
public-what-happened = { $org } upptäckte { $date } en personuppgiftsincident där personuppgifter blev tillgängliga för utomstående.
public-what-happened-unavailable = { $org } upptäckte { $date } en personuppgiftsincident där personuppgifter under en tid var otillgängliga; inget tyder på att de nått utomstående.
public-what-happened-altered = { $org } upptäckte { $date } en personuppgiftsincident där personuppgifter ändrades obehörigt.
public-what-happened-possibly = { $org } upptäckte { $date } en personuppgiftsincident där personuppgifter kan ha nått utomstående; vi utreder ännu om så skedde.
public-what-happened-lost = { $org } upptäckte { $date } en personuppgiftsincident där personuppgifter gick förlorade och inte kan återställas.
public-concerns-count = Incidenten berör cirka { $count } personer.
public-concerns-unknown = Antalet berörda personer utreds.
public-data-affected = Incidenten berörde följande uppgifter: { $list }.
public-data-not-affected = Incidenten berörde inte följande uppgifter: { $list }.
public-informed-authority = Vi har anmält incidenten till dataombudsmannens byrå.
public-informed-subjects = Vi har också informerat de berörda personerna.
public-apology = { $org } beklagar det inträffade.
public-customer-service = Mer information: { $contacts }.
public-part-what-happened = Vad hände
public-part-concerns = Vem berörs
public-part-data-affected = Vilka uppgifter berördes
public-part-data-not-affected = Vilka uppgifter berördes inte
public-part-misuse = Har uppgifterna missbrukats
public-part-informed = Vem vi har informerat
public-part-apology = Vi beklagar
public-part-customer-service = Kundtjänst
public-part-media = För media
public-language-name = På svenska
public-published = Publicerad { $date }
public-updated = uppdaterad { $date }
public-index-title = { $org }: meddelanden om personuppgiftsincidenter
public-index-empty = Inga publicerade meddelanden.

# Meddelande skrivet utifrån strukturerade uppgifter.
public-headline-facts = { $org }: { $loss ->
    [disclosed] personuppgifter röjdes för utomstående
    [possibly] personuppgifter kan ha röjts för utomstående
    [unavailable] personuppgifter var otillgängliga
    [lost] personuppgifter gick förlorade
   *[altered] personuppgifter ändrades obehörigt
  } – { $progress ->
    [resolved] felet är åtgärdat
    [contained] incidenten är begränsad
   *[ongoing] utredningen pågår
  }, { $act ->
    [yes] följ anvisningarna
   *[no] du behöver inte göra något
  }
public-reach-all = Incidenten berör alla { $group ->
    [customers] våra kunder
    [employees] våra anställda
    [students] våra studerande
    [patients] våra patienter
    [users] våra användare
    [subscribers] våra prenumeranter
   *[other] personer vars uppgifter vi behandlar
  }.
public-reach-part = Incidenten berör bara en del av { $group ->
    [customers] våra kunder
    [employees] våra anställda
    [students] våra studerande
    [patients] våra patienter
    [users] våra användare
    [subscribers] våra prenumeranter
   *[other] de personer vars uppgifter vi behandlar
  }.
public-reach-not-yet-known = Vi utreder ännu vilka incidenten berör.
public-people-count = { $approx ->
    [yes] Det gäller cirka { $count } personer.
   *[no] Det gäller { $count } personer.
  }
public-discovered = Vi upptäckte incidenten { $date }.
public-progress-resolved = Felet åtgärdades { $date }.
public-progress-contained = Incidenten begränsades { $date } och åtgärdas nu.
public-progress-contained-undated = Incidenten har begränsats och åtgärdas nu.
public-progress-ongoing = Vi utreder fortfarande vad som har hänt.
public-act-no = Du behöver inte göra något.
public-act-yes = Vi ber dig följa anvisningarna nedan.
public-data-affected-intro = Incidenten berörde följande uppgifter:
public-category-count = { $category } ({ $count } personer)
public-data-not-affected-intro = Incidenten berörde inte följande uppgifter:
public-data-never-collected-intro = Vi samlar inte in och lagrar inte följande uppgifter, så incidenten kan inte ha gällt dem:
public-misuse-none-seen = Vi har inte sett tecken på att uppgifterna har missbrukats.
public-misuse-seen = Vi har sett att uppgifterna har missbrukats.
public-misuse-being-investigated = Vi utreder om uppgifterna har missbrukats.
public-informed-police = Vi har gjort en polisanmälan.
public-next-default = Vi fortsätter att utreda saken och informerar om ny information framkommer.
public-outside-help = I utredningen får vi hjälp av { $help }.
public-service-hours = Öppettider: { $hours }.
public-media = Mediekontakter: { $contact }.
public-part-data-never-collected = Vilka uppgifter vi inte samlar in
public-part-action = Vad du ska göra
public-part-next-steps = Vad händer härnäst

# Brev till den registrerade (artikel 34.2 i dataskyddsförordningen): klart och tydligt språk, bara personens egna uppgifter.
letter-subject = { $org }: en personuppgiftsincident som gäller dina personuppgifter
letter-greeting = Bästa { $name },
letter-no-name = mottagare
letter-what-happened = { $org } upptäckte { $date } en personuppgiftsincident där personuppgifter blev tillgängliga för utomstående. Vi skriver till dig eftersom dina uppgifter fanns bland dem.
letter-what-happened-unavailable = { $org } upptäckte { $date } en personuppgiftsincident där personuppgifter under en tid var otillgängliga; inget tyder på att de nått utomstående. Vi skriver till dig eftersom dina uppgifter fanns bland dem.
letter-what-happened-altered = { $org } upptäckte { $date } en personuppgiftsincident där personuppgifter ändrades obehörigt. Vi skriver till dig eftersom dina uppgifter fanns bland dem.
letter-what-happened-possibly = { $org } upptäckte { $date } en personuppgiftsincident där personuppgifter kan ha nått utomstående; vi utreder ännu om så skedde. Vi skriver till dig eftersom dina uppgifter fanns bland dem.
letter-what-happened-lost = { $org } upptäckte { $date } en personuppgiftsincident där personuppgifter gick förlorade och inte kan återställas. Vi skriver till dig eftersom dina uppgifter fanns bland dem.
letter-your-data = Incidenten gällde följande uppgifter om dig:
letter-consequences = Någon kan försöka använda uppgifterna för att kontakta dig i vårt namn eller lura dig, till exempel med meddelanden som verkar komma från oss.
letter-consequences-unavailable = Inget tyder på att dina uppgifter nått utomstående. Eftersom uppgifterna inte var tillgängliga kan ärenden som beror på dem ha försenats, och vi kan be dig lämna vissa uppgifter på nytt.
letter-consequences-altered = Vissa av dina uppgifter kan ha ändrats obehörigt. Tills vi har rättat dem kan beslut eller meddelanden som bygger på dem vara felaktiga.
letter-measures = Vi fortsätter att utreda vad som hände.
letter-measures-authority = Vi har anmält incidenten till dataombudsmannens byrå.
letter-measures-police = Vi har gjort en polisanmälan.
letter-advice = Så här kan du skydda dig:
letter-contact = Om du har frågor, kontakta vårt dataskyddsombud: { $contacts }.
letter-contact-service = Om du har frågor, kontakta vår kundtjänst: { $contacts }.
letter-contact-hours = Öppettider: { $hours }.
letter-closing = Vi beklagar det inträffade.
letter-part-subject = Ämne
letter-part-greeting = Hälsning
letter-part-what-happened = Vad hände
letter-part-your-data = Dina uppgifter (personens egna uppgifter följer som en lista)
letter-part-consequences = Sannolika följder
letter-part-measures = Vad vi har gjort och gör
letter-part-advice = Vad du kan göra (personens egna råd följer som en lista)
letter-part-contact = Kontaktuppgifter
letter-part-closing = Avslutning
letter-element-person_name = ditt namn
letter-element-postal_address = din postadress
letter-element-national_id = din personbeteckning
letter-element-payment_card = ditt betalkortsnummer
letter-element-iban = ditt bankkontonummer
letter-element-email = din e-postadress
letter-element-phone = ditt telefonnummer
letter-element-ip_address = din enhets IP-adress
letter-element-customer_number = ditt kundnummer
letter-element-date_of_birth = ditt födelsedatum
letter-element-credential = ditt användarnamn eller lösenord
letter-element-health = uppgifter om din hälsa
letter-element-photo = ditt fotografi
letter-element-education = uppgifter om dina studier (till exempel vitsord)
letter-element-employment = uppgifter om ditt anställningsförhållande
letter-element-family = uppgifter om din familj
letter-element-location = uppgifter om var du är eller har varit
letter-element-behaviour = uppgifter om hur du använder våra tjänster
letter-element-financial = uppgifter om din ekonomi
letter-element-racial_or_ethnic_origin = uppgifter om ditt etniska ursprung
letter-element-political_opinions = uppgifter om dina politiska åsikter
letter-element-religious_or_philosophical_beliefs = uppgifter om din religiösa eller filosofiska övertygelse
letter-element-trade_union_membership = uppgifter om ditt medlemskap i en fackförening
letter-element-genetic = dina genetiska uppgifter
letter-element-biometric = dina biometriska uppgifter (till exempel fingeravtryck eller ansiktsbild som används för att identifiera dig)
letter-element-sex_life_or_orientation = uppgifter om ditt sexualliv eller din sexuella läggning
letter-element-criminal_convictions = uppgifter om brottmålsdomar eller brott som gäller dig
letter-advice-national_id = Du kan be Suomen Asiakastieto att registrera ett kreditförbud och polisen att registrera ett förbud mot användning av din personbeteckning för att försvåra bedrägerier.
letter-advice-payment_card = Kontakta din bank för att spärra kortet och kontrollera dina korttransaktioner.
letter-advice-iban = Kontrollera dina kontotransaktioner och var försiktig med fakturor och betalningsbegäranden som du inte väntade dig.
letter-advice-email = Var försiktig med e-postmeddelanden som ber om dina uppgifter eller betalningar, även om de verkar komma från oss.
letter-advice-phone = Var försiktig med samtal och textmeddelanden som ber om dina uppgifter eller betalningar.
letter-advice-credential = Byt ditt lösenord genast och överallt där du har använt samma lösenord.
letter-advice-health = Du kan fråga oss vad som exakt avslöjades och hur det kan påverka dig.
letter-advice-education = Var försiktig med meddelanden som använder de här uppgifterna för att vinna ditt förtroende eller som ber om dina uppgifter eller betalningar.
letter-advice-employment = Var försiktig med meddelanden som använder de här uppgifterna för att vinna ditt förtroende eller som ber om dina uppgifter eller betalningar.
letter-advice-family = Var försiktig med meddelanden som använder de här uppgifterna för att vinna ditt förtroende eller som ber om dina uppgifter eller betalningar.
letter-advice-location = Om du är rädd för din säkerhet, berätta det för oss och polisen. Du kan ansöka om spärrmarkering hos Myndigheten för digitalisering och befolkningsdata.
letter-advice-behaviour = Var försiktig med meddelanden som använder de här uppgifterna för att vinna ditt förtroende eller som ber om dina uppgifter eller betalningar.
letter-advice-financial = Kontrollera dina konto- och korttransaktioner och var försiktig med låneerbjudanden, fakturor och betalningsbegäranden som du inte väntade dig.
letter-advice-racial_or_ethnic_origin = Om någon kontaktar dig om de här uppgifterna eller hotar att publicera dem, svara inte och betala inte: gör en polisanmälan och berätta det för oss. Du kan fråga oss vad som exakt avslöjades.
letter-advice-political_opinions = Om någon kontaktar dig om de här uppgifterna eller hotar att publicera dem, svara inte och betala inte: gör en polisanmälan och berätta det för oss. Du kan fråga oss vad som exakt avslöjades.
letter-advice-religious_or_philosophical_beliefs = Om någon kontaktar dig om de här uppgifterna eller hotar att publicera dem, svara inte och betala inte: gör en polisanmälan och berätta det för oss. Du kan fråga oss vad som exakt avslöjades.
letter-advice-trade_union_membership = Om någon kontaktar dig om de här uppgifterna eller hotar att publicera dem, svara inte och betala inte: gör en polisanmälan och berätta det för oss. Du kan fråga oss vad som exakt avslöjades.
letter-advice-genetic = Om någon kontaktar dig om de här uppgifterna eller hotar att publicera dem, svara inte och betala inte: gör en polisanmälan och berätta det för oss. Du kan fråga oss vad som exakt avslöjades.
letter-advice-biometric = Om en tjänst identifierar dig med fingeravtryck eller ansikte, fråga om du kan identifiera dig på något annat sätt.
letter-advice-sex_life_or_orientation = Om någon kontaktar dig om de här uppgifterna eller hotar att publicera dem, svara inte och betala inte: gör en polisanmälan och berätta det för oss. Du kan fråga oss vad som exakt avslöjades.
letter-advice-criminal_convictions = Om någon kontaktar dig om de här uppgifterna eller hotar att publicera dem, svara inte och betala inte: gör en polisanmälan och berätta det för oss. Du kan fråga oss vad som exakt avslöjades.
