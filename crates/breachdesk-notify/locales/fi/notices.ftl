# Julkinen tiedote (tietosuoja-asetuksen 34 artiklan 3 kohdan c alakohta).
public-headline = { $org }: tietoturvaloukkaus on koskenut henkilötietoja
public-what-happened = { $org } havaitsi { $date } tietoturvaloukkauksen, jossa henkilötietoja joutui ulkopuolisten saataville.
public-what-happened-unavailable = { $org } havaitsi { $date } tietoturvaloukkauksen, jonka vuoksi henkilötiedot eivät olleet jonkin aikaa käytettävissä; mikään ei viittaa siihen, että ne olisivat joutuneet ulkopuolisille.
public-what-happened-altered = { $org } havaitsi { $date } tietoturvaloukkauksen, jossa henkilötietoja muutettiin luvatta.
public-what-happened-possibly = { $org } havaitsi { $date } tietoturvaloukkauksen, jossa henkilötietoja on voinut joutua ulkopuolisille; selvitämme vielä, tapahtuiko niin.
public-what-happened-lost = { $org } havaitsi { $date } tietoturvaloukkauksen, jossa henkilötietoja menetettiin eikä niitä voida palauttaa.
public-concerns-count = Loukkaus koskee noin { $count } henkilöä.
public-concerns-unknown = Loukkauksen kohteena olevien henkilöiden määrää selvitetään.
public-data-affected = Loukkaus koski seuraavia tietoja: { $list }.
public-data-not-affected = Loukkaus ei koskenut seuraavia tietoja: { $list }.
public-informed-authority = Olemme ilmoittaneet loukkauksesta tietosuojavaltuutetun toimistolle.
public-informed-subjects = Olemme ilmoittaneet asiasta myös loukkauksen kohteena oleville henkilöille.
public-apology = { $org } pahoittelee tapahtunutta.
public-customer-service = Lisätietoja: { $contacts }.
public-part-what-happened = Mitä tapahtui
public-part-concerns = Keitä loukkaus koskee
public-part-data-affected = Mitä tietoja loukkaus koski
public-part-data-not-affected = Mitä tietoja loukkaus ei koskenut
public-part-misuse = Onko tietoja käytetty väärin
public-part-informed = Keille olemme ilmoittaneet
public-part-apology = Pahoittelumme
public-part-customer-service = Asiakaspalvelu
public-part-media = Medialle
public-language-name = Suomeksi
public-published = Julkaistu { $date }
public-updated = päivitetty { $date }
public-index-title = { $org }: tiedotteet tietoturvaloukkauksista
public-index-empty = Julkaistuja tiedotteita ei ole.

# Rakenteisista tiedoista laadittu tiedote.
public-headline-facts = { $org }: { $loss ->
    [disclosed] henkilötietoja paljastui ulkopuolisille
    [possibly] henkilötietoja on voinut paljastua ulkopuolisille
    [unavailable] henkilötiedot eivät olleet käytettävissä
    [lost] henkilötietoja menetettiin
   *[altered] henkilötietoja muutettiin luvatta
  } – { $progress ->
    [resolved] vika on korjattu
    [contained] loukkaus on saatu rajattua
   *[ongoing] selvitys jatkuu
  }, { $act ->
    [yes] toimi ohjeiden mukaan
   *[no] sinun ei tarvitse tehdä mitään
  }
public-reach-all = Loukkaus koskee kaikkia { $group ->
    [customers] asiakkaitamme
    [employees] työntekijöitämme
    [students] opiskelijoitamme
    [patients] potilaitamme
    [users] käyttäjiämme
    [subscribers] tilaajiamme
   *[other] henkilöitä, joiden tietoja käsittelemme
  }.
public-reach-part = Loukkaus koskee vain osaa { $group ->
    [customers] asiakkaistamme
    [employees] työntekijöistämme
    [students] opiskelijoistamme
    [patients] potilaistamme
    [users] käyttäjistämme
    [subscribers] tilaajistamme
   *[other] henkilöistä, joiden tietoja käsittelemme
  }.
public-reach-not-yet-known = Selvitämme vielä, keitä loukkaus koskee.
public-people-count = { $approx ->
    [yes] Kyse on noin { $count } henkilöstä.
   *[no] Kyse on { $count } henkilöstä.
  }
public-discovered = Havaitsimme loukkauksen { $date }.
public-progress-resolved = Vika korjattiin { $date }.
public-progress-contained = Loukkaus saatiin rajattua { $date }, ja korjaus on käynnissä.
public-progress-contained-undated = Loukkaus on saatu rajattua, ja korjaus on käynnissä.
public-progress-ongoing = Selvitämme tapahtunutta edelleen.
public-act-no = Sinun ei tarvitse tehdä mitään.
public-act-yes = Pyydämme sinua toimimaan alla olevien ohjeiden mukaan.
public-data-affected-intro = Loukkaus koski seuraavia tietoja:
public-category-count = { $category } ({ $count } henkilöä)
public-data-not-affected-intro = Loukkaus ei koskenut seuraavia tietoja:
public-data-never-collected-intro = Emme kerää emmekä säilytä seuraavia tietoja, joten loukkaus ei voinut koskea niitä:
public-misuse-none-seen = Emme ole havainneet, että tietoja olisi käytetty väärin.
public-misuse-seen = Olemme havainneet, että tietoja on käytetty väärin.
public-misuse-being-investigated = Selvitämme, onko tietoja käytetty väärin.
public-informed-police = Olemme tehneet asiasta rikosilmoituksen poliisille.
public-next-default = Selvitämme asiaa edelleen ja tiedotamme, jos uutta tietoa ilmenee.
public-outside-help = Selvityksessä meitä auttaa { $help }.
public-service-hours = Palveluaika: { $hours }.
public-media = Median yhteydenotot: { $contact }.
public-part-data-never-collected = Mitä tietoja emme kerää
public-part-action = Mitä sinun tulee tehdä
public-part-next-steps = Mitä seuraavaksi

# Kirje rekisteröidylle (tietosuoja-asetuksen 34 artiklan 2 kohta): selkeää kieltä, vain henkilön omat tiedot.
letter-subject = { $org }: henkilötietojasi koskeva tietoturvaloukkaus
letter-greeting = Hyvä { $name },
letter-no-name = vastaanottaja
letter-what-happened = { $org } havaitsi { $date } tietoturvaloukkauksen, jossa henkilötietoja joutui ulkopuolisten saataville. Kirjoitamme sinulle, koska tietojasi oli niiden joukossa.
letter-what-happened-unavailable = { $org } havaitsi { $date } tietoturvaloukkauksen, jonka vuoksi henkilötiedot eivät olleet jonkin aikaa käytettävissä; mikään ei viittaa siihen, että ne olisivat joutuneet ulkopuolisille. Kirjoitamme sinulle, koska tietojasi oli niiden joukossa.
letter-what-happened-altered = { $org } havaitsi { $date } tietoturvaloukkauksen, jossa henkilötietoja muutettiin luvatta. Kirjoitamme sinulle, koska tietojasi oli niiden joukossa.
letter-what-happened-possibly = { $org } havaitsi { $date } tietoturvaloukkauksen, jossa henkilötietoja on voinut joutua ulkopuolisille; selvitämme vielä, tapahtuiko niin. Kirjoitamme sinulle, koska tietojasi oli niiden joukossa.
letter-what-happened-lost = { $org } havaitsi { $date } tietoturvaloukkauksen, jossa henkilötietoja menetettiin eikä niitä voida palauttaa. Kirjoitamme sinulle, koska tietojasi oli niiden joukossa.
letter-your-data = Loukkaus koski seuraavia sinua koskevia tietoja:
letter-consequences = Joku voi yrittää käyttää tietoja ottaakseen sinuun yhteyttä nimissämme tai huijatakseen sinua esimerkiksi viesteillä, jotka näyttävät tulevan meiltä.
letter-consequences-unavailable = Mikään ei viittaa siihen, että tietosi olisivat joutuneet ulkopuolisille. Koska tiedot eivät olleet käytettävissä, niistä riippuvat asiat ovat voineet viivästyä, ja saatamme pyytää sinulta joitakin tietoja uudelleen.
letter-consequences-altered = Joitakin tietojasi on voitu muuttaa luvatta. Ennen kuin olemme korjanneet ne, niihin perustuvat päätökset tai viestit voivat olla virheellisiä.
letter-measures = Selvitämme tapahtunutta edelleen.
letter-measures-authority = Olemme ilmoittaneet loukkauksesta tietosuojavaltuutetun toimistolle.
letter-measures-police = Olemme tehneet asiasta rikosilmoituksen poliisille.
letter-advice = Näin voit suojata itseäsi:
letter-contact = Jos sinulla on kysyttävää, ota yhteyttä tietosuojavastaavaamme: { $contacts }.
letter-contact-service = Jos sinulla on kysyttävää, ota yhteyttä asiakaspalveluumme: { $contacts }.
letter-contact-hours = Palveluaika: { $hours }.
letter-closing = Pahoittelemme tapahtunutta.
letter-part-subject = Aihe
letter-part-greeting = Tervehdys
letter-part-what-happened = Mitä tapahtui
letter-part-your-data = Sinun tietosi (henkilön omat tiedot seuraavat luettelona)
letter-part-consequences = Todennäköiset seuraukset
letter-part-measures = Mitä olemme tehneet ja teemme
letter-part-advice = Mitä voit tehdä (henkilön omat ohjeet seuraavat luettelona)
letter-part-contact = Yhteystiedot
letter-part-closing = Lopetus
letter-element-person_name = nimesi
letter-element-postal_address = postiosoitteesi
letter-element-national_id = henkilötunnuksesi
letter-element-payment_card = maksukorttisi numero
letter-element-iban = pankkitilisi numero
letter-element-email = sähköpostiosoitteesi
letter-element-phone = puhelinnumerosi
letter-element-ip_address = laitteesi IP-osoite
letter-element-customer_number = asiakasnumerosi
letter-element-date_of_birth = syntymäaikasi
letter-element-credential = käyttäjätunnuksesi tai salasanasi
letter-element-health = terveyttäsi koskevia tietoja
letter-element-photo = valokuvasi
letter-element-education = opintojasi koskevia tietoja (kuten arvosanasi)
letter-element-employment = työsuhdettasi koskevia tietoja
letter-element-family = perhettäsi koskevia tietoja
letter-element-location = tietoja siitä, missä olet tai olet ollut
letter-element-behaviour = tietoja siitä, miten käytät palvelujamme
letter-element-financial = taloudellista tilannettasi koskevia tietoja
letter-element-racial_or_ethnic_origin = etnistä alkuperääsi koskevia tietoja
letter-element-political_opinions = poliittisia mielipiteitäsi koskevia tietoja
letter-element-religious_or_philosophical_beliefs = uskonnollista tai filosofista vakaumustasi koskevia tietoja
letter-element-trade_union_membership = ammattiliiton jäsenyyttäsi koskevia tietoja
letter-element-genetic = geneettisiä tietojasi
letter-element-biometric = biometrisiä tietojasi (kuten sormenjälki tai kasvokuva, jolla sinut tunnistetaan)
letter-element-sex_life_or_orientation = seksuaalista käyttäytymistäsi tai suuntautumistasi koskevia tietoja
letter-element-criminal_convictions = sinua koskevia rikostuomio- tai rikostietoja
letter-advice-national_id = Voit pyytää Suomen Asiakastietoa kirjaamaan luottokiellon ja poliisia kirjaamaan henkilötunnuksesi käyttökiellon, jotta huijaukset vaikeutuvat.
letter-advice-payment_card = Ota yhteyttä pankkiisi kortin sulkemiseksi ja tarkista korttitapahtumasi.
letter-advice-iban = Tarkista tilitapahtumasi ja suhtaudu varoen laskuihin ja maksupyyntöihin, joita et odottanut.
letter-advice-email = Suhtaudu varoen sähköposteihin, joissa pyydetään tietojasi tai maksuja, vaikka ne näyttäisivät tulevan meiltä.
letter-advice-phone = Suhtaudu varoen puheluihin ja tekstiviesteihin, joissa pyydetään tietojasi tai maksuja.
letter-advice-credential = Vaihda salasanasi heti ja kaikkialla muualla, missä olet käyttänyt samaa salasanaa.
letter-advice-health = Voit kysyä meiltä, mitä tarkalleen paljastui ja miten se voi vaikuttaa sinuun.
letter-advice-education = Suhtaudu varoen viesteihin, joissa näillä tiedoilla yritetään saada luottamuksesi tai pyydetään tietojasi tai maksuja.
letter-advice-employment = Suhtaudu varoen viesteihin, joissa näillä tiedoilla yritetään saada luottamuksesi tai pyydetään tietojasi tai maksuja.
letter-advice-family = Suhtaudu varoen viesteihin, joissa näillä tiedoilla yritetään saada luottamuksesi tai pyydetään tietojasi tai maksuja.
letter-advice-location = Jos pelkäät turvallisuutesi puolesta, kerro siitä meille ja poliisille. Voit hakea Digi- ja väestötietovirastolta turvakieltoa.
letter-advice-behaviour = Suhtaudu varoen viesteihin, joissa näillä tiedoilla yritetään saada luottamuksesi tai pyydetään tietojasi tai maksuja.
letter-advice-financial = Tarkista tili- ja korttitapahtumasi ja suhtaudu varoen lainatarjouksiin, laskuihin ja maksupyyntöihin, joita et odottanut.
letter-advice-racial_or_ethnic_origin = Jos joku ottaa sinuun yhteyttä näiden tietojen vuoksi tai uhkaa julkaista ne, älä vastaa äläkä maksa: tee rikosilmoitus poliisille ja kerro meille. Voit kysyä meiltä, mitä tarkalleen paljastui.
letter-advice-political_opinions = Jos joku ottaa sinuun yhteyttä näiden tietojen vuoksi tai uhkaa julkaista ne, älä vastaa äläkä maksa: tee rikosilmoitus poliisille ja kerro meille. Voit kysyä meiltä, mitä tarkalleen paljastui.
letter-advice-religious_or_philosophical_beliefs = Jos joku ottaa sinuun yhteyttä näiden tietojen vuoksi tai uhkaa julkaista ne, älä vastaa äläkä maksa: tee rikosilmoitus poliisille ja kerro meille. Voit kysyä meiltä, mitä tarkalleen paljastui.
letter-advice-trade_union_membership = Jos joku ottaa sinuun yhteyttä näiden tietojen vuoksi tai uhkaa julkaista ne, älä vastaa äläkä maksa: tee rikosilmoitus poliisille ja kerro meille. Voit kysyä meiltä, mitä tarkalleen paljastui.
letter-advice-genetic = Jos joku ottaa sinuun yhteyttä näiden tietojen vuoksi tai uhkaa julkaista ne, älä vastaa äläkä maksa: tee rikosilmoitus poliisille ja kerro meille. Voit kysyä meiltä, mitä tarkalleen paljastui.
letter-advice-biometric = Jos jokin palvelu tunnistaa sinut sormenjäljen tai kasvojen perusteella, kysy siltä, voitko tunnistautua muulla tavalla.
letter-advice-sex_life_or_orientation = Jos joku ottaa sinuun yhteyttä näiden tietojen vuoksi tai uhkaa julkaista ne, älä vastaa äläkä maksa: tee rikosilmoitus poliisille ja kerro meille. Voit kysyä meiltä, mitä tarkalleen paljastui.
letter-advice-criminal_convictions = Jos joku ottaa sinuun yhteyttä näiden tietojen vuoksi tai uhkaa julkaista ne, älä vastaa äläkä maksa: tee rikosilmoitus poliisille ja kerro meille. Voit kysyä meiltä, mitä tarkalleen paljastui.
